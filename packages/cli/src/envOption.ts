/** Options that may also come from the environment: the flag, else the variable, else the default. */

/** The flag's value, else the first of `names` set (non-empty) in the environment, else undefined. */
export const flagOrEnv = (flag: unknown, env: Readonly<Record<string, string | undefined>>, ...names: readonly string[]): { readonly value: string; readonly from: string } | undefined => {
  if (typeof flag === 'string') return { value: flag, from: 'flag' };
  for (const name of names) {
    const v = env[name];
    if (v !== undefined && v !== '') return { value: v, from: name };
  }
  return undefined;
};
