// A visit photo is shrunk on the phone before it is sent: a camera's 4 MB picture
// becomes a JPEG of about 100–300 KB that a weak signal can carry.

const LONGEST_SIDE = 1280;
const QUALITY = 0.8;

/** The photo as a JPEG data URL, at most LONGEST_SIDE pixels on its longer side. */
export async function shrinkPhoto(file: File): Promise<string> {
	const bitmap = await createImageBitmap(file);
	const scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
	const canvas = document.createElement('canvas');
	canvas.width = Math.round(bitmap.width * scale);
	canvas.height = Math.round(bitmap.height * scale);
	const context = canvas.getContext('2d');
	if (!context) throw new Error('no canvas');
	context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
	bitmap.close();
	return canvas.toDataURL('image/jpeg', QUALITY);
}
