import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the domain schemas and committed; never edit one that has landed.
export default defineConfig({
	dialect: 'postgresql',
	schema: './src/lib/server/db/schema.ts',
	out: './drizzle',
	casing: 'snake_case'
});
