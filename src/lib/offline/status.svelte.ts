import { listOutbox, onOutboxChange } from './outbox';
import { syncOutbox, type SyncStop } from './sync';

// What every screen shows of the outbox: how many entries are not yet sent, how many need
// the person's attention, and whether a sync is running or stopped (and why).

class FieldStatus {
	pending = $state(0);
	attention = $state(0);
	syncing = $state(false);
	stopped = $state<SyncStop>(null);
	lastSyncAt = $state<string | null>(null);
	private started = false;

	async refresh(): Promise<void> {
		try {
			const entries = await listOutbox();
			this.pending = entries.filter((e) => e.state === 'pending').length;
			this.attention = entries.length - this.pending;
		} catch {
			// IndexedDB unavailable (a private window on some phones): nothing is kept.
		}
	}

	/** Sends what is waiting, if anything is; the answer updates the counts. */
	async sync(): Promise<void> {
		await this.refresh();
		if (this.pending === 0 || this.syncing) return;
		this.syncing = true;
		try {
			const outcome = await syncOutbox();
			this.stopped = outcome.stopped;
			if (!outcome.stopped) this.lastSyncAt = new Date().toISOString();
		} finally {
			this.syncing = false;
			await this.refresh();
		}
	}

	/** Once per tab: counts now, sync now, on reconnect and every half minute while waiting. */
	start(): () => void {
		if (this.started) return () => {};
		this.started = true;
		const stopListening = onOutboxChange(() => void this.refresh());
		const online = () => void this.sync();
		window.addEventListener('online', online);
		const timer = setInterval(() => {
			if (navigator.onLine && this.pending > 0) void this.sync();
		}, 30_000);
		void this.sync();
		return () => {
			this.started = false;
			stopListening();
			window.removeEventListener('online', online);
			clearInterval(timer);
		};
	}
}

export const fieldStatus = new FieldStatus();
