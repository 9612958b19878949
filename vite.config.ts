import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// A chosen language lives in a cookie; everyone else starts in Chinese.
			strategy: ['cookie', 'baseLocale']
		}),
		sveltekit(),
		SvelteKitPWA({
			strategies: 'generateSW',
			registerType: 'prompt',
			// Registered by src/lib/pwa.ts through workbox-window.
			injectRegister: false,
			// Served per language by src/routes/manifest.webmanifest/+server.ts.
			manifest: false,
			workbox: {
				clientsClaim: true,
				skipWaiting: true,
				// Server-rendered pages are never served from a shared shell: a signed-in page
				// must not reach the next person who uses the phone.
				navigateFallback: null,
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff2}', 'prerendered/**/*.html'],
				runtimeCaching: [
					{
						urlPattern: ({ request }) => request.mode === 'navigate',
						handler: 'NetworkOnly',
						options: { precacheFallback: { fallbackURL: '/offline' } }
					}
				]
			},
			kit: { includeVersionFile: true }
		})
	],
	server: { port: 5173 },
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['tests/unit/**/*.test.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					environment: 'node',
					include: ['tests/integration/**/*.test.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			}
		]
	}
});
