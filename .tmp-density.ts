import { startEmulator } from './src/emulator/index.ts';
import { addDays } from './src/streams/dates.ts';
import { writeFileSync } from 'node:fs';
const e = await startEmulator({ port: 0, seed: 7, advertisers: 5, accessToken: 'tokentoken', appId: 'app1', secret: 'secretsecret', campaignsPerAdvertiser: 20, adgroupsPerCampaign: 10, adsPerAdgroup: 11, historyDays: 400 });
const h = { 'Access-Token': 'tokentoken' };
const adv = await (await fetch(`${e.url}/open_api/v1.3/oauth2/advertiser/get/?app_id=app1&secret=secretsecret`, { headers: h })).json();
const end = addDays(new Date().toISOString().slice(0, 10), -1);
const out: Record<string, number[]> = {};
for (const a of adv.data.list) {
  const counts: number[] = [];
  for (let i = 364; i >= 0; i--) {
    const d = addDays(end, -i);
    const r = await (await fetch(`${e.url}/open_api/v1.3/report/integrated/get/?advertiser_id=${a.advertiser_id}&report_type=BASIC&data_level=AUCTION_AD&dimensions=["ad_id","stat_time_day"]&metrics=["spend"]&start_date=${d}&end_date=${d}&page_size=1`, { headers: h })).json();
    counts.push(r.data.page_info.total_number);
  }
  out[a.advertiser_id] = counts;
}
writeFileSync('/tmp/density.json', JSON.stringify(out));
console.log(Object.values(out).map((c) => c.reduce((x, y) => x + y, 0)));
await e.close();
