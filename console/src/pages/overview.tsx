import { useEffect, useRef } from 'preact/hooks';
import { CreditsOverview, type OverviewData } from '../api/documents';
import { useQuery } from '../api/hooks';
import { PageTitle } from '../components/page-title';
import { Empty, ErrorBox, Loading } from '../components/status';

const DAYS = 30;

export function Overview() {
  const q = useQuery(CreditsOverview, { days: DAYS });
  const o = q.data?.creditsOverview;
  return (
    <section>
      <PageTitle>Overview</PageTitle>
      <p class="muted">Credits sold and spent per day (UTC), last {DAYS} days.</p>
      {q.loading && <Loading what="the overview" />}
      {q.error && <ErrorBox error={q.error} retry={q.reload} />}
      {o && (
        <>
          <dl class="summary" aria-label="Totals">
            <div data-testid="total-sold">
              <dt>Sold</dt>
              <dd>{o.totalSold}</dd>
            </div>
            <div data-testid="total-spent">
              <dt>Spent</dt>
              <dd>{o.totalSpent}</dd>
            </div>
          </dl>
          {o.totalSold === 0 && o.totalSpent === 0 ? (
            <Empty>No credits were sold or spent in the last {DAYS} days.</Empty>
          ) : (
            <Chart days={o.days} />
          )}
          <details>
            <summary>Daily figures as a table</summary>
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Credits sold and spent per day</caption>
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col" class="num">
                      Sold
                    </th>
                    <th scope="col" class="num">
                      Spent
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {o.days.map((d) => (
                    <tr key={d.day}>
                      <td>{d.day}</td>
                      <td class="num">{d.sold}</td>
                      <td class="num">{d.spent}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </section>
  );
}

/** uPlot is loaded on this page only, so it stays out of the initial bundle. */
function Chart({ days }: { days: OverviewData['creditsOverview']['days'] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: { destroy(): void } | null = null;
    let live = true;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (!live || !host.current) return;
      const width = Math.max(280, host.current.clientWidth);
      plot = new UPlot(
        {
          width,
          height: 260,
          scales: { x: { time: true } },
          series: [
            {},
            { label: 'Sold', stroke: '#1d6f42', width: 2, fill: 'rgba(29,111,66,0.12)' },
            { label: 'Spent', stroke: '#8a3ffc', width: 2, dash: [6, 4] },
          ],
          axes: [{}, { label: 'credits' }],
        },
        [days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000), days.map((d) => d.sold), days.map((d) => d.spent)],
        host.current,
      );
    });
    return () => {
      live = false;
      plot?.destroy();
    };
  }, [days]);
  return (
    <figure class="chart">
      <div
        ref={host}
        role="img"
        aria-label="Line chart of credits sold and spent per day; the table below has the figures."
        data-testid="overview-chart"
      />
    </figure>
  );
}
