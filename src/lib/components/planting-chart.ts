import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

// Only what a one-series bar chart needs, loaded only on the season dashboard.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface BarChartInput {
	labels: string[];
	/** For drawing only (kilograms or yuan); the tooltip shows the exact text. */
	values: number[];
	format: (index: number) => string;
	axisTitle: string;
	xTitle: string;
}

function cssColour(name: string, fallback: string): string {
	return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function drawBarChart(canvas: HTMLCanvasElement, input: BarChartInput): Chart {
	const bar = cssColour('--primary', '#0f5c4c');
	const text = cssColour('--text', '#1b1f1e');
	return new Chart(canvas, {
		type: 'bar',
		data: {
			labels: input.labels,
			datasets: [
				{ label: input.axisTitle, data: input.values, backgroundColor: bar, borderRadius: 2 }
			]
		},
		options: {
			responsive: true,
			maintainAspectRatio: false,
			animation: false,
			plugins: {
				legend: { display: false },
				tooltip: { callbacks: { label: (item) => input.format(item.dataIndex) } }
			},
			scales: {
				x: {
					title: { display: true, text: input.xTitle, color: text, font: { size: 14 } },
					ticks: {
						color: text,
						font: { size: 12 },
						maxRotation: 0,
						autoSkip: true,
						maxTicksLimit: 8
					},
					grid: { display: false }
				},
				y: {
					beginAtZero: true,
					title: { display: true, text: input.axisTitle, color: text, font: { size: 14 } },
					ticks: { color: text, font: { size: 12 } }
				}
			}
		}
	});
}
