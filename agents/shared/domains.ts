/** A company domain from what a person types ("https://www.Example.com/about" → "example.com"); throws on anything else. */
export function normaliseDomain(raw: string): string {
  const host = raw.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/[/?#].*$/, '').replace(/^www\./, '').replace(/\.$/, '');
  if (!/^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(host)) throw new Error(`"${raw}" is not a domain name such as example.com.`);
  return host;
}
