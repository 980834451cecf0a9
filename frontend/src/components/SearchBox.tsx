import { useSearchParams } from "react-router-dom";

// SearchBox edits the ?q= of the current URL when Enter is pressed, so a
// search is part of the view's link; an empty search removes it.
export function SearchBox({ label, placeholder }: { label: string; placeholder: string }) {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const v = new FormData(e.currentTarget).get("q")?.toString().trim();
        const p = new URLSearchParams(params);
        if (v) p.set("q", v);
        else p.delete("q");
        setParams(p);
      }}
    >
      <input name="q" aria-label={label} placeholder={placeholder} defaultValue={q} key={q} />
    </form>
  );
}
