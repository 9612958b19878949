import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { stripVTControlCharacters } from 'node:util';
import { createLogger } from 'vite';
import { defineConfig } from 'vitest/config';

// The build would list every file it writes with its size (about 400 lines, twice): the
// log keeps the steps, warnings and errors, not that list.
const logger = createLogger();
const logInfo = logger.info.bind(logger);
const FILE_SIZE = /^\S+\s+[\d.,]+ kB(\s|$)/;
logger.info = (message, options) => {
	const kept = message
		.split('\n')
		.filter((line) => !FILE_SIZE.test(stripVTControlCharacters(line).trim()));
	if (kept.some((line) => line.trim() !== '')) logInfo(kept.join('\n'), options);
};

export default defineConfig({
	customLogger: logger,
	build: {
		reportCompressedSize: false,
		rolldownOptions: {
			// Not the per-plugin timing report after every build.
			checks: { pluginTimings: false },
			output: {
				// A cheap phone pays for every request: Svelte's and SvelteKit's runtime travel
				// as one file, and a shared chunk made only of a few messages is copied into the
				// pages that use it instead of being fetched on its own.
				codeSplitting: {
					groups: [
						{
							name: 'framework',
							test: /node_modules[\\/](svelte|@sveltejs[\\/]kit|esm-env|devalue|clsx)[\\/]|[\\/]src[\\/]lib[\\/](paraglide[\\/]runtime|format\.ts|household-offline\.ts)|preload-helper/
						},
						{
							name: 'household',
							test: /[\\/]src[\\/]lib[\\/](household-words\.ts|components[\\/]household[\\/])/
						},
						{
							name: 'messages',
							test: /[\\/]src[\\/]lib[\\/]paraglide[\\/]messages[\\/]/,
							entriesAware: true,
							entriesAwareMergeThreshold: 20000
						}
					]
				}
			}
		}
	},
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
				// `webmanifest` in the list keeps the plugin from adding its own pattern for a
				// static manifest file, which matches nothing here (the manifest is a route).
				globPatterns: [
					'client/**/*.{js,css,ico,png,svg,webp,woff2,webmanifest}',
					'prerendered/**/*.html'
				],
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
