import { Workbox } from 'workbox-window';

/**
 * Registers the Workbox service worker and reports when a new version has taken over,
 * so the page can offer a reload. Does nothing where service workers are unavailable.
 */
export async function registerServiceWorker(onUpdated: () => void): Promise<void> {
	if (!('serviceWorker' in navigator)) return;
	const wb = new Workbox('/sw.js', { scope: '/', type: 'classic' });
	wb.addEventListener('controlling', (event) => {
		if (event.isUpdate) onUpdated();
	});
	await wb.register();
	// Entries typed offline will live in IndexedDB; ask the browser not to evict them.
	await navigator.storage?.persist?.();
}
