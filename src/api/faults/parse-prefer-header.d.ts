declare module 'parse-prefer-header' {
  /**
   * RFC 7240 Prefer header(s) as `{ name: value | true }`: names lower-cased (and camelCased),
   * quotes taken off values, the first of a repeated preference kept, parameters as `name-param`.
   */
  function parsePreferHeader (prefer: string | string[] | undefined): Record<string, string | true>
  export default parsePreferHeader
}
