import { healthLabels } from "../lib/quality";

// HealthBadge is a data-quality health (as LineageNode.health and
// FeatureView.health say it) in words, coloured as everywhere else.
export function HealthBadge({ health, short = false }: { health: string; short?: boolean }) {
  const words = short ? health.toLowerCase().replace(/_/g, " ") : healthLabels[health] ?? health;
  return <span className={`health h-${health.toLowerCase()}`} data-testid="health" data-health={health} title={healthLabels[health] ?? health}>{words}</span>;
}
