/** How two values of one field compare, where `===` does not say (dates, lists). */
export type FieldEquality<T> = { [K in keyof T]?: (a: T[K], b: T[K]) => boolean };

/**
 * The names of the fields whose values `next` changes from `current`, in `next`'s key order:
 * what an update's audit record names (`details.fields`), and none for a change that changes
 * nothing. Values compare with `===` unless `same` says how for their field.
 */
export function changedFields<T extends object>(
  current: T,
  next: T,
  same: FieldEquality<T> = {},
): (keyof T & string)[] {
  return (Object.keys(next) as (keyof T & string)[]).filter((name) => {
    const equal = same[name];
    return !(equal ? equal(current[name], next[name]) : current[name] === next[name]);
  });
}
