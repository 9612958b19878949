import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip
} from 'chart.js';

// Only the pieces Levee's bar charts need; this module is loaded only when a chart is shown.
Chart.register(
	BarController,
	BarElement,
	CategoryScale,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Legend,
	Tooltip
);

export type ChartColour = 'primary' | 'accent' | 'muted' | 'danger';

export interface BarSeries {
	label: string;
	/** For drawing only (yuan, kilograms); the tooltip shows the exact text. */
	values: number[];
	texts: string[];
	colour?: ChartColour;
}

export interface BarChartInput {
	labels: string[];
	series: BarSeries[];
	axisTitle: string;
	xTitle: string;
	/** Negative bars drawn in the danger colour (a month that lost money). */
	negativeInDanger?: boolean;
	/** A reference drawn as a dashed line across the bars (the monitoring line). */
	line?: { value: number; label: string; text: string } | null;
}

const FALLBACK: Record<ChartColour, string> = {
	primary: '#0f5c4c',
	accent: '#b8860b',
	muted: '#5f6b68',
	danger: '#b3261e'
};

const VARIABLE: Record<ChartColour | 'text', string> = {
	primary: '--primary',
	accent: '--accent',
	muted: '--text-muted',
	danger: '--danger',
	text: '--text'
};

function cssColour(name: ChartColour | 'text'): string {
	const value = getComputedStyle(document.documentElement).getPropertyValue(VARIABLE[name]).trim();
	return value || (name === 'text' ? '#1b1f1e' : FALLBACK[name]);
}

export function drawBarChart(canvas: HTMLCanvasElement, input: BarChartInput): Chart {
	const text = cssColour('text');
	const danger = cssColour('danger');
	const bars = input.series.map((series) => {
		const colour = cssColour(series.colour ?? 'primary');
		return {
			type: 'bar' as const,
			label: series.label,
			data: series.values,
			backgroundColor: input.negativeInDanger
				? series.values.map((v) => (v < 0 ? danger : colour))
				: colour,
			borderRadius: 3
		};
	});
	const line = input.line;
	const datasets = line
		? [
				...bars,
				{
					type: 'line' as const,
					label: line.label,
					data: input.labels.map(() => line.value),
					borderColor: cssColour('accent'),
					borderDash: [6, 4],
					borderWidth: 2,
					pointRadius: 0
				}
			]
		: bars;
	const lineIndex = bars.length;
	return new Chart(canvas, {
		type: 'bar',
		data: { labels: input.labels, datasets },
		options: {
			responsive: true,
			maintainAspectRatio: false,
			animation: false,
			plugins: {
				// A key only when there is more than one thing to tell apart.
				legend: { display: datasets.length > 1, labels: { color: text } },
				tooltip: {
					callbacks: {
						label: (item) =>
							item.datasetIndex === lineIndex && line
								? line.text
								: input.series[item.datasetIndex].texts[item.dataIndex]
					}
				}
			},
			scales: {
				x: {
					title: { display: true, text: input.xTitle, color: text, font: { size: 14 } },
					ticks: {
						color: text,
						font: { size: 13 },
						maxRotation: 0,
						autoSkip: true,
						maxTicksLimit: 12
					},
					grid: { display: false }
				},
				y: {
					beginAtZero: true,
					title: { display: true, text: input.axisTitle, color: text, font: { size: 14 } },
					ticks: { color: text, font: { size: 13 } }
				}
			}
		}
	});
}
