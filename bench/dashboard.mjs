// The dashboard benchmark's browser side (run by bench/dashboard.sh): frames a page receives
// and draws per second for a 512 × 512 region, and how long the default run's report takes to
// open, in headless Chromium.
//
//   node bench/dashboard.mjs URL REPORT.html SECONDS
import { chromium } from '../e2e/node_modules/playwright-core/index.mjs';

const [url, report, seconds] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CLUSTERLAB_BROWSER || 'chromium', args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
page.setDefaultTimeout(120_000);
await page.goto(url);
await page.waitForSelector('input[data-path="steps"]', { state: 'attached' });
const set = async (path, value) => {
  const id = await page.getAttribute(`input[data-path="${path}"]`, 'id');
  await page.fill(`#${id}-value`, String(value));
};
await set('region.width', 512);
await set('region.height', 512);
await set('steps', 1000);
await page.fill('#speed', '0');
await page.click('#start');
await page.waitForFunction(() => window.clusterlab.rows() > 5);
// Count the frames the page received and the steps it saw over the window.
const frames = await page.evaluate(async ms => {
  const f0 = window.clusterlab.frames, s0 = window.clusterlab.step(), t0 = performance.now();
  let drawn = 0, stop = false;
  const count = () => { drawn++; if (!stop) requestAnimationFrame(count); };
  requestAnimationFrame(count);
  await new Promise(r => setTimeout(r, ms));
  stop = true;
  const dt = (performance.now() - t0) / 1000;
  return { frames_per_s: (window.clusterlab.frames - f0) / dt, steps_per_s: (window.clusterlab.step() - s0) / dt,
    width: document.getElementById('map').width, height: document.getElementById('map').height };
}, Number(seconds) * 1000);
await page.click('#play');
// The report: open it five times, the median load time.
const loads = [];
for (let i = 0; i < 5; i++) {
  const p = await browser.newPage();
  await p.goto('file://' + report, { waitUntil: 'load' });
  loads.push(await p.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
  await p.close();
}
loads.sort((a, b) => a - b);
console.log(JSON.stringify({ ...frames, report_load_ms: loads[2] }));
await browser.close();
