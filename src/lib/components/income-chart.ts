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

// Only the pieces this chart needs, so the page that draws it loads as little as possible.
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

export interface IncomeChartInput {
	labels: string[];
	/** Yuan, for drawing only; the tooltip shows the exact text from `format`. */
	values: number[];
	format: (index: number) => string;
	axisTitle: string;
	monthTitle: string;
	/** The monitoring line as this household's monthly amount (yuan), drawn as a dashed line. */
	line?: { value: number; label: string; text: string };
}

function cssColour(name: string, fallback: string): string {
	return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function drawIncomeChart(canvas: HTMLCanvasElement, input: IncomeChartInput): Chart {
	const positive = cssColour('--primary', '#0f5c4c');
	const negative = cssColour('--danger', '#b3261e');
	const text = cssColour('--text', '#1b1f1e');
	const accent = cssColour('--accent', '#b8860b');
	return new Chart(canvas, {
		type: 'bar',
		data: {
			labels: input.labels,
			datasets: [
				{
					type: 'bar' as const,
					label: input.axisTitle,
					data: input.values,
					backgroundColor: input.values.map((v) => (v < 0 ? negative : positive)),
					borderRadius: 4
				},
				...(input.line
					? [
							{
								type: 'line' as const,
								label: input.line.label,
								data: input.values.map(() => input.line!.value),
								borderColor: accent,
								borderDash: [6, 4],
								borderWidth: 2,
								pointRadius: 0
							}
						]
					: [])
			]
		},
		options: {
			responsive: true,
			maintainAspectRatio: false,
			animation: false,
			plugins: {
				// Only the monitoring line needs a key; the bars are the chart's subject.
				legend: {
					display: !!input.line,
					labels: { color: text, filter: (item) => item.datasetIndex === 1 }
				},
				tooltip: {
					callbacks: {
						label: (item) =>
							item.datasetIndex === 1 ? (input.line?.text ?? '') : input.format(item.dataIndex)
					}
				}
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
