/**
 * Longest stretch, ms, in [from, to] during which `value` did not grow while `waiting` said work was
 * waiting. `samples` are in time order (`at`, epoch ms); a stall still under way at `to` counts up to
 * the last sample.
 */
export function longestStall<S extends { readonly at: number }>(
  samples: readonly S[],
  from: number,
  to: number,
  value: (s: S) => number | undefined,
  waiting: (s: S) => boolean,
): number {
  let longest = 0;
  let since: number | undefined;
  let last: number | undefined;
  for (const s of samples) {
    if (s.at < from || s.at > to) continue;
    const v = value(s);
    if (v !== undefined && last !== undefined && v > last) since = undefined;
    else if (waiting(s)) since ??= s.at;
    if (since !== undefined) longest = Math.max(longest, s.at - since);
    if (v !== undefined) last = v;
  }
  return longest;
}
