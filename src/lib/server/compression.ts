import type { Handle } from '@sveltejs/kit';
import { Readable } from 'node:stream';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';

// Rendered pages and JSON, compressed for phones on slow networks. The built client's
// files are precompressed by the adapter and served as they are; event streams and
// anything already encoded pass untouched.

const COMPRESSIBLE = /^(text\/html|application\/json|text\/plain|text\/csv)\b/;
/** Below this a compressed answer is not worth the work (or is larger). */
const MIN_BYTES = 1024;

export function pickEncoding(acceptEncoding: string | null): 'br' | 'gzip' | null {
	const accepted = (acceptEncoding ?? '')
		.toLowerCase()
		.split(',')
		.map((part) => part.trim().split(';'))
		.filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
		.map(([name]) => name.trim());
	if (accepted.includes('br')) return 'br';
	if (accepted.includes('gzip')) return 'gzip';
	return null;
}

export function shouldCompress(request: Request, response: Response): boolean {
	if (request.method === 'HEAD' || !response.body) return false;
	if (response.status < 200 || response.status === 204 || response.status === 206) return false;
	const headers = response.headers;
	if (headers.has('content-encoding') || headers.has('content-range')) return false;
	if (!COMPRESSIBLE.test(headers.get('content-type') ?? '')) return false;
	// Downloads a person saves (exports) keep their exact bytes and length.
	if (headers.has('content-disposition')) return false;
	const length = Number(headers.get('content-length') ?? Number.NaN);
	return Number.isNaN(length) || length >= MIN_BYTES;
}

export const handleCompression: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const encoding = pickEncoding(event.request.headers.get('accept-encoding'));
	const vary = response.headers.get('vary');
	if (!encoding || !shouldCompress(event.request, response)) return response;
	const compressor =
		encoding === 'br'
			? // Quality 5: most of brotli's gain at a fraction of its highest level's time.
				createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
			: createGzip({ level: 6 });
	const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(
		compressor
	);
	const headers = new Headers(response.headers);
	headers.set('content-encoding', encoding);
	headers.delete('content-length');
	headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
	return new Response(Readable.toWeb(body) as ReadableStream, {
		status: response.status,
		statusText: response.statusText,
		headers
	});
};
