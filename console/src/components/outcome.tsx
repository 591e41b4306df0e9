import { useEffect, useRef } from 'preact/hooks';

export type Outcome = { ok: boolean; text: string } | null;

/** The result of an action; it takes focus so keyboard and screen-reader users hear it. */
export function OutcomeMessage({ outcome }: { outcome: Outcome }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (outcome) ref.current?.focus();
  }, [outcome]);
  if (!outcome) return null;
  return (
    <p ref={ref} tabIndex={-1} class={outcome.ok ? 'ok' : 'error'} role={outcome.ok ? 'status' : 'alert'}>
      {outcome.text}
    </p>
  );
}
