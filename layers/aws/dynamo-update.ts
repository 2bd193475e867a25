/** The parts of an UpdateItem built from a partial record. */
export interface UpdateParts {
  readonly UpdateExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * SET for every field with a value, REMOVE for every field present with `undefined`: the same result as
 * the in-memory `{ ...record, ...patch }`, where an explicit undefined clears the field. Names and values
 * are placeholders (`#u0`, `:u0`) because many record fields (status, error, result…) are reserved words.
 * `fields` must not be empty of both kinds: callers add a field that is always set.
 */
export function updateFromFields(fields: Readonly<Record<string, unknown>>): UpdateParts {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  Object.entries(fields).forEach(([field, value], index) => {
    names[`#u${index}`] = field;
    if (value === undefined) {
      removes.push(`#u${index}`);
    } else {
      values[`:u${index}`] = value;
      sets.push(`#u${index} = :u${index}`);
    }
  });
  const clauses = [
    ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
    ...(removes.length > 0 ? [`REMOVE ${removes.join(', ')}`] : []),
  ];
  return {
    UpdateExpression: clauses.join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
