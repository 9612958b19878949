import { resolve } from 'node:path';

/** Files the server reads at run time (migrations, division data) live under the project root. */
export function projectPath(...parts: string[]): string {
	return resolve(process.env.LEVEE_ROOT?.trim() || process.cwd(), ...parts);
}
