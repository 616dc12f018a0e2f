/** Request bodies are capped (SPEC §5): larger ones are refused with 413 before anything parses them. */
export const BODY_LIMIT_BYTES = 16 * 1024;
