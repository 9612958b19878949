// The field screens are built once, with no one's data in them, and precached by the
// service worker: they open from the home-screen icon without a network and read what
// they show from the phone's own store (src/lib/offline). Signed-in pages are never cached.
export const prerender = true;
