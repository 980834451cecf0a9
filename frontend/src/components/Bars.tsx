// Bars is a small horizontal bar chart of counts, as a table (readable
// without the bars, and by tests).
export type Bucket = { label: string; count: number; note?: string };

export function Bars({ buckets, testid }: { buckets: readonly Bucket[]; testid: string }) {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  return (
    <table className="bars" data-testid={testid}>
      <tbody>
        {buckets.map((b) => (
          <tr key={b.label} data-bucket={b.label} data-count={b.count}>
            <th scope="row">{b.label}</th>
            <td><span className="fill" style={{ width: `${(b.count / max) * 12}em` }} /> {b.count}{b.note && <span className="muted"> {b.note}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
