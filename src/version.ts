// Kept in step with package.json by hand; read at build time so the CLI starts without reading files.
export const VERSION = "0.1.0";
