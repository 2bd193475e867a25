/**
 * A schema issue's path as a person would write it in the JSON: `grids.SVC.C`, `models[2]`, `features[0].name`;
 * `root` names the document itself when the path is empty.
 */
export function issuePath(path: readonly PropertyKey[], root = '(root)'): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? root : out;
}
