// Fails when the schema has changed but no migration was generated and committed.
// drizzle-kit writes a new file only when the schema differs from the last snapshot.
import { execFileSync } from 'node:child_process';

const before = execFileSync('git', ['status', '--porcelain', '--', 'drizzle'], {
	encoding: 'utf8'
});
execFileSync('npx', ['drizzle-kit', 'generate', '--name', 'uncommitted_check'], {
	stdio: 'ignore'
});
const after = execFileSync('git', ['status', '--porcelain', '--', 'drizzle'], { encoding: 'utf8' });
if (after !== before) {
	const created = after
		.split('\n')
		.filter((line) => line && !before.includes(line))
		.join('\n');
	execFileSync('git', ['checkout', '--', 'drizzle']);
	execFileSync('git', ['clean', '-fdq', '--', 'drizzle']);
	console.error(
		`The schema has changes without a committed migration. Run \`npm run db:generate\` and commit:\n${created}`
	);
	process.exit(1);
}
console.log('Migrations are up to date with the schema.');
