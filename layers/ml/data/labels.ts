/** A class as it appears in the data: a number when every target value is numeric, else the text. */
export type ClassLabel = string | number;

/**
 * Classes in numpy's np.unique order, as scikit-learn's LabelEncoder would index them: numbers
 * ascending when the target is numeric, otherwise strings by UTF-16 code unit (JavaScript's default
 * sort; it differs from numpy's code-point order only for characters outside the BMP).
 */
export function sortClasses<T extends ClassLabel>(labels: T[]): T[] {
  return labels.sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const sa = String(a);
    const sb = String(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

/** A label as written in messages: strings quoted, numbers bare. */
export function formatLabel(label: ClassLabel): string {
  return typeof label === 'number' ? String(label) : JSON.stringify(label);
}
