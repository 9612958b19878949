// Built once at build time and precached by the service worker: what a navigation shows
// when there is no network.
export const prerender = true;
