import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

// Only the pieces a bar chart needs, loaded only on the page that draws one.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface WageChartInput {
	labels: string[];
	/** Yuan, for drawing only; the tooltip shows the exact text from `format`. */
	values: number[];
	format: (index: number) => string;
	axisTitle: string;
	monthTitle: string;
}

function cssColour(name: string, fallback: string): string {
	return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function drawWageChart(canvas: HTMLCanvasElement, input: WageChartInput): Chart {
	const bar = cssColour('--primary', '#0f5c4c');
	const text = cssColour('--text', '#1b1f1e');
	return new Chart(canvas, {
		type: 'bar',
		data: {
			labels: input.labels,
			datasets: [
				{ label: input.axisTitle, data: input.values, backgroundColor: bar, borderRadius: 4 }
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
					title: { display: true, text: input.monthTitle, color: text, font: { size: 14 } },
					ticks: { color: text, font: { size: 13 }, maxRotation: 0 },
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
