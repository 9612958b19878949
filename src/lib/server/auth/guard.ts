import { error } from '@sveltejs/kit';
import { translate } from '../../i18n';
import type { Actor } from './actor';

/**
 * Until accounts exist, the admin pages open only in development (vite dev) or when
 * LEVEE_DEV_ADMIN=1 is set for tests; everywhere else they answer 404.
 */
export function requireAdminForNow(dev: boolean): Actor {
	if (!dev && process.env.LEVEE_DEV_ADMIN !== '1') error(404, translate('error_not_found'));
	return { userId: null, label: 'development admin' };
}
