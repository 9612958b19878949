import { deserialize } from '$app/forms';
import type { ActionResult } from '@sveltejs/kit';

/**
 * Posts a form to a SvelteKit action with XMLHttpRequest, which, unlike fetch, reports
 * upload progress: a 20 MB file on a village connection takes a while.
 */
export function postWithProgress(
	action: string,
	body: FormData,
	onProgress: (sentFraction: number) => void
): Promise<ActionResult> {
	return new Promise((resolve, reject) => {
		const request = new XMLHttpRequest();
		request.open('POST', action);
		request.setRequestHeader('accept', 'application/json');
		request.setRequestHeader('x-sveltekit-action', 'true');
		request.upload.onprogress = (event) => {
			if (event.lengthComputable) onProgress(event.loaded / event.total);
		};
		request.onload = () => {
			try {
				resolve(deserialize(request.responseText));
			} catch (caught) {
				reject(caught instanceof Error ? caught : new Error(String(caught)));
			}
		};
		request.onerror = () => reject(new Error('network'));
		request.send(body);
	});
}
