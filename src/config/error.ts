/** A start-up problem the user must fix: the CLI prints its message as one line and exits 2. */
export class ConfigError extends Error {}
