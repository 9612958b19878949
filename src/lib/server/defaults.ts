/**
 * adapter-node settings whose own defaults do not suit Levee. Applied by
 * src/instrumentation.server.ts before the server loads; README.md lists them.
 */
export const SERVER_DEFAULTS = {
	// Household imports upload a CSV of up to 40 MB (households/import.ts) in a form post.
	BODY_SIZE_LIMIT: '45M',
	// Seconds requests in flight may take to finish after SIGTERM or Ctrl+C (shutdown.ts);
	// adapter-node would wait 30.
	SHUTDOWN_TIMEOUT: '5'
} as const;
