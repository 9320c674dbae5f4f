// End-to-end test of the dashboard in headless Chromium, driven by playwright-core.
//
//   node e2e/dashboard.mjs URL ARTEFACTS_DIR
//
// URL is a running `clusterlab serve`; the browser is $CLUSTERLAB_BROWSER. It opens the
// dashboard, starts a run, sees the map change and the charts fill, pauses, steps and resets
// it, lets it finish and be saved, downloads its report, CSV and Parquet and opens the report,
// compares two runs, lists a sweep of the data folder and opens its report, runs the policy
// and GEM forms, and sees the errors the server must give
// on the page. Screenshots and the downloaded report go to ARTEFACTS_DIR; a line of JSON with
// what was measured goes to standard output. Any failed check ends it with exit code 1 and
// the reason.
import { chromium } from 'playwright-core';
import { writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [url, artefacts] = process.argv.slice(2);
if (!url || !artefacts) {
  console.error('usage: node e2e/dashboard.mjs URL ARTEFACTS_DIR');
  process.exit(2);
}
const executablePath = process.env.CLUSTERLAB_BROWSER || 'chromium';
const check = (ok, message) => { if (!ok) throw new Error(message); };
const measured = {};

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1100 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', e => pageErrors.push(e.message));
  page.setDefaultTimeout(60_000);
  await page.goto(url);
  await page.waitForSelector('#scenario option[value="default"]', { state: 'attached' });
  await page.waitForSelector('input[data-path="steps"]', { state: 'attached' });

  // Sliders: a short run, fast enough to watch.
  const setParameter = async (path, value) => {
    const id = await page.getAttribute(`input[data-path="${path}"]`, 'id');
    await page.fill(`#${id}-value`, String(value));
    check(await page.inputValue(`#${id}`) === String(value), `the ${path} slider did not follow its box`);
  };
  await setParameter('steps', 60);
  await setParameter('seed', 7);
  await page.fill('#speed', '30');
  await page.click('#start');

  // The map changes and the charts fill while it runs.
  const mapHash = () => page.evaluate(() => {
    const c = document.getElementById('map');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) >>> 0;
    return `${c.width}x${c.height}:${h}`;
  });
  await page.waitForFunction(() => window.clusterlab.rows() >= 3);
  const early = await mapHash();
  check(!early.startsWith('1x1'), 'the map was not sized to the region');
  await page.waitForFunction(() => window.clusterlab.rows() >= 40);
  const later = await mapHash();
  check(early !== later, 'the map did not change as the run went on');
  measured.map = { early, later };
  const plotted = await page.evaluate(() =>
    [...document.querySelectorAll('#chart-adoption .u-legend .u-series')].map(e => e.textContent));
  check(plotted.some(t => t.includes('erp')), `the adoption chart has no ERP series: ${plotted}`);
  check(await page.locator('#chart-factors canvas').count() === 1, 'the factors chart was not drawn');

  // Pause, then step once.
  await page.click('#play');
  await page.waitForSelector('#status[data-status="paused"]');
  const paused = Number(await page.getAttribute('#status', 'data-step'));
  await page.click('#step');
  await page.waitForSelector(`#status[data-step="${paused + 1}"]`);
  // Reset: back to step 0, paused; then play to the end, and the run is saved and listed.
  await page.click('#reset');
  await page.waitForSelector('#status[data-step="0"][data-status="paused"]');
  check(await page.evaluate(() => window.clusterlab.rows()) === 1, 'reset did not clear the charts');

  await page.click('#play');
  await page.waitForSelector('#status[data-status="done"]');
  await page.waitForSelector('#runs tr[data-run]');
  check(await page.textContent('#status').then(t => t.includes('saved as')), 'the finished run was not saved');
  // Another competition group on the map: its legend and its cells.
  const before = await mapHash();
  await page.selectOption('#map-group', '1');
  await page.waitForFunction(() => document.getElementById('map-legend').textContent.includes('five-axis'));
  await page.waitForFunction(h => {
    const c = document.getElementById('map');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let x = 0;
    for (let i = 0; i < d.length; i += 4) x = (x * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) >>> 0;
    return `${c.width}x${c.height}:${x}` !== h;
  }, before);
  await page.screenshot({ path: join(artefacts, 'dashboard.png'), fullPage: true });

  // Download the report, open the file, find its charts rendered.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#runs tr[data-run] a.download-report'),
  ]);
  const reportPath = join(artefacts, 'downloaded-report.html');
  await download.saveAs(reportPath);
  measured.report_bytes = statSync(reportPath).size;
  check(measured.report_bytes < 5 * 1024 * 1024, `the report is ${measured.report_bytes} bytes (over 5 MB)`);
  const report = await context.newPage();
  report.on('pageerror', e => pageErrors.push(`report: ${e.message}`));
  await report.goto('file://' + reportPath, { waitUntil: 'load' });
  measured.report_load_ms = await report.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
  check(measured.report_load_ms < 2000, `the report took ${measured.report_load_ms} ms to open (over 2 s)`);
  const canvases = await report.locator('canvas').count();
  check(canvases >= 5, `the report drew ${canvases} canvases (four charts and the map expected)`);
  check(await report.locator('.u-legend').count() >= 4, 'the report\'s chart legends are missing');
  await report.selectOption('#map-group', '1');
  check((await report.textContent('#map-legend')).includes('five-axis'), 'the report\'s map does not switch to the CNC and five-axis group');
  await report.screenshot({ path: join(artefacts, 'downloaded-report.png'), fullPage: true });
  await report.close();

  // Its time series as CSV and Parquet, as the links give them.
  const files = await page.evaluate(async () => {
    const out = {};
    for (const a of document.querySelectorAll('#runs tr[data-run] a[download]')) {
      const r = await fetch(a.href);
      const bytes = new Uint8Array(await r.arrayBuffer());
      out[a.textContent] = { status: r.status, disposition: r.headers.get('content-disposition'), head: String.fromCharCode(...bytes.slice(0, 4)), size: bytes.length };
    }
    return out;
  });
  check(files.CSV && files.CSV.status === 200 && files.CSV.head === 'step', `CSV download: ${JSON.stringify(files.CSV)}`);
  check(files.Parquet && files.Parquet.status === 200 && files.Parquet.head === 'PAR1', `Parquet download: ${JSON.stringify(files.Parquet)}`);
  check(files.CSV.disposition.startsWith('attachment'), 'the CSV is not offered as a download');
  measured.downloads = files;

  // A second run, then compare the two.
  await setParameter('steps', 20);
  await setParameter('seed', 8);
  await page.fill('#speed', '0');
  await page.click('#start');
  await page.waitForFunction(() => document.querySelectorAll('#runs tr[data-run]').length >= 2);
  const boxes = page.locator('#runs input[type=checkbox]');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.click('#compare');
  await page.waitForSelector('#chart-compare canvas');
  const compared = await page.locator('#chart-compare .u-legend .u-series').count();
  check(compared >= 3, `the comparison chart has ${compared} series`);

  // The sweep in the data folder is listed, and its report opens.
  await page.waitForSelector('#sweeps tr[data-sweep="small"]');
  check((await page.textContent('#sweeps tr[data-sweep="small"]')).includes('4 of 4'), 'the sweep\'s progress is not shown');
  const sweepReport = await page.evaluate(async () => {
    const r = await fetch(document.querySelector('#sweeps tr[data-sweep] a').href);
    return { status: r.status, text: await r.text() };
  });
  check(sweepReport.status === 200 && sweepReport.text.includes('sweep small-sweep'), `the sweep's report: ${sweepReport.status}`);

  // The GEM form.
  await page.fill('#gem-resources', '8');
  await page.fill('#gem-external_markets', '2');
  await page.click('#gem-form button');
  await page.waitForFunction(() => document.getElementById('gem-result').textContent.includes('GEM score'));
  measured.gem = await page.textContent('#gem-result');
  check(measured.gem.includes('weakest factor: external markets'), `GEM: ${measured.gem}`);

  // The policy form, on a short run of the bundled lagging cluster.
  await page.selectOption('#scenario', 'policy-lagging');
  await page.waitForSelector('input[data-path="steps"]', { state: 'attached' });
  await setParameter('steps', 30);
  await page.fill('#policies', 'rd-subsidy,broker-network');
  await page.fill('#replications', '2');
  await page.click('#policy-form button');
  await page.waitForSelector('#policy-result table tr:nth-child(3)', { timeout: 120_000 });
  measured.policy = await page.textContent('#policy-status');

  // What the server must refuse shows on the page, and the page goes on working.
  await page.setInputFiles('#upload', {
    name: 'huge.toml', mimeType: 'text/plain',
    buffer: Buffer.from('name = "huge"\nsteps = 10\n[region]\nwidth = 100000\nheight = 100000\n[[technology]]\nid = "x"\np = 0.01\nq = 0.3\n'),
  });
  await page.waitForFunction(() => document.getElementById('error').textContent.includes("over this server's limit"));
  measured.size_error = await page.textContent('#error');
  await page.setInputFiles('#upload', {
    name: 'broken.toml', mimeType: 'text/plain', buffer: Buffer.from('name = "broken"\n[region\n'),
  });
  await page.waitForFunction(() => document.getElementById('error').textContent.startsWith('broken.toml'));
  measured.parse_error = await page.textContent('#error');
  await page.setInputFiles('#upload', {
    name: 'small.toml', mimeType: 'text/plain',
    buffer: Buffer.from('name = "small"\nsteps = 15\n[region]\nwidth = 30\nheight = 20\n[[technology]]\nid = "x"\np = 0.01\nq = 0.3\n'),
  });
  await page.waitForFunction(() => document.getElementById('scenario').value === 'small');
  await page.click('#start');
  await page.waitForSelector('#status[data-status="done"]');
  await page.screenshot({ path: join(artefacts, 'dashboard-forms.png'), fullPage: true });

  check(pageErrors.length === 0, `script errors on the page: ${pageErrors.join('; ')}`);
  console.log(JSON.stringify(measured));
} catch (e) {
  console.error(`dashboard end-to-end test failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
