// The demo data's only source of chance: seeded, so the demo county is the same every time.

/** mulberry32: a small, fast PRNG whose whole state is one 32-bit number. */
export class Random {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** A number in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** An integer from min to max, both included. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}

	/** An index into `weights`, each chosen in proportion to its weight. */
	weightedIndex(weights: readonly number[]): number {
		const total = weights.reduce((sum, w) => sum + w, 0);
		let point = this.next() * total;
		for (let i = 0; i < weights.length; i++) {
			point -= weights[i];
			if (point < 0) return i;
		}
		return weights.length - 1;
	}

	shuffle<T>(items: readonly T[]): T[] {
		const copy = [...items];
		for (let i = copy.length - 1; i > 0; i--) {
			const j = Math.floor(this.next() * (i + 1));
			[copy[i], copy[j]] = [copy[j], copy[i]];
		}
		return copy;
	}
}
