// The emulator's asset, audience, pixel and Spark Ads endpoints over plain HTTP: TikTok's shapes, paging by
// page_info, page caps, the 10,000-item search cap and the filters that split it, pixel permissions, the
// sandbox and the creative-library scope, and determinism.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmulatorArgs } from '../src/command.ts';
import { videosOf } from '../src/data/assets/videos.ts';
import { World } from '../src/data/world.ts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';

const NOW = new Date('2025-03-10T12:34:00Z');
const BASE: EmulatorOptions = { port: 0, seed: 23, advertisers: 3, accessToken: 'tok-23', appId: 'app-23', secret: 'sec-23', now: NOW };

interface Envelope { code: number; message: string; request_id: string; data: Record<string, unknown> }
type Row = Record<string, unknown>;
type Params = Record<string, unknown>;

const started: Emulator[] = [];
async function start(options: Partial<EmulatorOptions> = {}): Promise<{ emu: Emulator; ids: string[] }> {
  const emu = await startEmulator({ ...BASE, ...options });
  started.push(emu);
  const advertisers = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
  return { emu, ids: advertisers.map((a) => a.advertiser_id) };
}
afterAll(() => Promise.all(started.map((e) => e.close())));

const enc = (params: Params) =>
  Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');

async function raw(emu: Emulator, path: string, params: Params): Promise<string> {
  const response = await fetch(`${emu.url}/open_api/v1.3/${path}?${enc(params)}`, { headers: { 'Access-Token': BASE.accessToken } });
  expect(response.status).toBe(200);
  return response.text();
}
const call = async (emu: Emulator, path: string, params: Params) => JSON.parse(await raw(emu, path, params)) as Envelope;

async function ok(emu: Emulator, path: string, params: Params): Promise<Row> {
  const body = await call(emu, path, params);
  expect(body, body.message).toMatchObject({ code: 0, message: 'OK' });
  return body.data;
}

interface PageInfo { page: number; page_size: number; total_number: number; total_page: number }

/** Reads every page the way a careful client does: by page_info.total_page. */
async function allPages(emu: Emulator, path: string, key: string, params: Params): Promise<{ rows: Row[]; calls: number; info: PageInfo }> {
  const rows: Row[] = [];
  let info: PageInfo | undefined;
  let page = 1;
  do {
    const data = await ok(emu, path, { ...params, page });
    rows.push(...(data[key] as Row[]));
    info = data.page_info as PageInfo;
    page++;
  } while (page <= info.total_page);
  return { rows, calls: page - 1, info };
}

/** Airbyte's paginator: stop at the first page holding fewer rows than the page_size it asked for. */
async function naivePages(emu: Emulator, path: string, key: string, params: Params & { page_size: number }): Promise<Row[]> {
  const rows: Row[] = [];
  for (let page = 1; ; page++) {
    const batch = (await ok(emu, path, { ...params, page }))[key] as Row[];
    rows.push(...batch);
    if (batch.length < params.page_size) return rows;
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const SQL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const ID19 = /^\d{19}$/;

let emu: Emulator;
let ids: string[];
beforeAll(async () => {
  ({ emu, ids } = await start());
});

describe('every new endpoint', () => {
  const PATHS: [string, Params][] = [
    ['dmp/custom_audience/list/', {}], ['file/image/ad/search/', {}], ['file/video/ad/search/', {}], ['file/music/get/', {}],
    ['creative/portfolio/list/', {}], ['tt_video/list/', {}], ['pixel/list/', {}],
    ['pixel/instant_page/event/', { objective_type: 'TRAFFIC', optimization_goal: 'CLICK' }],
    ['pixel/event/stats/', { pixel_ids: ['7170000000000000000'], date_range: { start_date: '2025-03-01', end_date: '2025-03-02' } }],
  ];

  // TikTok's 40001 "No permission to operate advertiser …" (tiktok-api.md, "Corrections"; was 40002).
  it('answers 40001 naming an advertiser the token cannot reach, and needs the token', async () => {
    for (const [path, params] of PATHS) {
      const body = await call(emu, path, { advertiser_id: '7000000000000000001', ...params });
      expect([path, body.code, body.message]).toEqual([path, 40001, 'No permission to operate advertiser 7000000000000000001.']);
      const anonymous = await (await fetch(`${emu.url}/open_api/v1.3/${path}?advertiser_id=${ids[0]}`)).json() as Envelope;
      expect(anonymous.code).toBe(40104);
    }
  });

  it('is byte-identical for the same seed and clock, and differs for another seed', async () => {
    const [one, two, other] = await Promise.all([start(), start(), start({ seed: 24 })]);
    for (const [path, params] of PATHS.slice(0, 7)) {
      const query = { advertiser_id: one.ids[1]!, page_size: 7, page: 2, ...params };
      // Request ids count requests, so both emulators serve this sequence in the same order.
      const body = await raw(one.emu, path, query);
      expect(await raw(two.emu, path, query)).toBe(body);
      const data = (await ok(other.emu, path, { ...query, advertiser_id: other.ids[1]! }));
      expect(JSON.stringify(data)).not.toBe(JSON.stringify((JSON.parse(body) as Envelope).data));
    }
  });
});

describe('dmp/custom_audience/list/', () => {
  it('lists audiences with every schema field, 10 a page by default, pageable to the end', async () => {
    const first = await ok(emu, 'dmp/custom_audience/list/', { advertiser_id: ids[0]! });
    const info = first.page_info as PageInfo;
    expect(info).toMatchObject({ page: 1, page_size: 10 });
    expect(info.total_number).toBeGreaterThanOrEqual(5);
    const { rows } = await allPages(emu, 'dmp/custom_audience/list/', 'list', { advertiser_id: ids[0]!, page_size: 3 });
    expect(rows).toHaveLength(info.total_number);
    expect(new Set(rows.map((r) => r.audience_id)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row).toMatchObject({
        audience_id: expect.stringMatching(/^\d{16}$/), name: expect.any(String), audience_type: expect.any(String),
        shared: expect.any(Boolean), is_creator: expect.any(Boolean), is_valid: expect.any(Boolean), is_expiring: expect.any(Boolean),
        cover_num: expect.any(Number), create_time: expect.stringMatching(SQL_TIME), expired_time: expect.stringMatching(SQL_TIME),
      });
      expect('calculate_type' in row).toBe(true);
      expect(String(row.create_time) < '2025-03-10 12:34:00').toBe(true);
    }
  });

  it('filters by custom_audience_ids and refuses page_size outside 1..100', async () => {
    const all = (await ok(emu, 'dmp/custom_audience/list/', { advertiser_id: ids[0]!, page_size: 100 })).list as Row[];
    const wanted = [all[2]!.audience_id, all[0]!.audience_id];
    const some = (await ok(emu, 'dmp/custom_audience/list/', { advertiser_id: ids[0]!, custom_audience_ids: wanted })).list as Row[];
    expect(some.map((r) => r.audience_id).sort()).toEqual([...wanted].sort());
    const tooBig = await call(emu, 'dmp/custom_audience/list/', { advertiser_id: ids[0]!, page_size: 101 });
    expect(tooBig).toMatchObject({ code: 40002, message: expect.stringContaining('page_size') });
  });
});

describe('file/image/ad/search/', () => {
  it('returns TikTok image records, newest modify_time first, 20 a page by default', async () => {
    const data = await ok(emu, 'file/image/ad/search/', { advertiser_id: ids[0]! });
    const list = data.list as Row[];
    expect(data.page_info).toEqual({ page: 1, page_size: 20, total_number: 30, total_page: 2 });
    expect(list).toHaveLength(20);
    for (const image of list) {
      expect(image).toMatchObject({
        image_id: expect.stringMatching(/^ad-site-i18n-sg\//), material_id: expect.stringMatching(ID19), format: expect.any(String),
        image_url: expect.stringContaining('x-expires='), signature: expect.stringMatching(/^[0-9a-f]{32}$/), file_name: expect.any(String),
        width: expect.any(Number), height: expect.any(Number), size: expect.any(Number),
        is_carousel_usable: expect.any(Boolean), displayable: expect.any(Boolean),
        create_time: expect.stringMatching(ISO), modify_time: expect.stringMatching(ISO),
      });
      expect(String(image.modify_time) >= String(image.create_time)).toBe(true);
    }
    const times = list.map((i) => String(i.modify_time));
    expect(times).toEqual([...times].sort().reverse());
  });

  it('applies the documented filters: image_ids, material_ids, width, height, ratio, displayable', async () => {
    const all = (await ok(emu, 'file/image/ad/search/', { advertiser_id: ids[0]!, page_size: 100 })).list as Row[];
    const search = async (filtering: Params) =>
      (await ok(emu, 'file/image/ad/search/', { advertiser_id: ids[0]!, page_size: 100, filtering })).list as Row[];
    expect((await search({ image_ids: [all[3]!.image_id] })).map((i) => i.image_id)).toEqual([all[3]!.image_id]);
    expect((await search({ material_ids: [all[5]!.material_id] })).map((i) => i.image_id)).toEqual([all[5]!.image_id]);
    const width = all[0]!.width as number;
    expect(await search({ width })).toEqual(all.filter((i) => i.width === width));
    expect(await search({ width: String(width), height: all[0]!.height })).toEqual(all.filter((i) => i.width === width && i.height === all[0]!.height));
    const square = await search({ ratio: [1] });
    expect(square.length).toBeGreaterThan(0);
    expect(square).toEqual(all.filter((i) => Math.abs((i.width as number) / (i.height as number) - 1) < 0.05));
    expect(await search({ displayable: true })).toEqual(all.filter((i) => i.displayable === true));
    expect(await search({ displayable: false })).toEqual(all);
    expect(await call(emu, 'file/image/ad/search/', { advertiser_id: ids[0]!, filtering: { modify_time: '2025' } }))
      .toMatchObject({ code: 40002, message: expect.stringContaining('modify_time') });
    expect(await call(emu, 'file/image/ad/search/', { advertiser_id: ids[0]!, filtering: { image_ids: Array.from({ length: 101 }, (_, i) => `x${i}`) } }))
      .toMatchObject({ code: 40002, message: expect.stringContaining('image_ids') });
  });
});

describe('file/video/ad/search/', () => {
  it('returns TikTok video records: UTC ISO times, preview links valid six hours from now', async () => {
    const list = (await ok(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, page_size: 100 })).list as Row[];
    expect(list.length).toBeGreaterThan(0);
    for (const video of list) {
      expect(video).toMatchObject({
        video_id: expect.stringMatching(/^v[0-9a-z]{31}$/), material_id: expect.stringMatching(ID19), format: 'mp4',
        video_cover_url: expect.any(String), preview_url: expect.any(String), preview_url_expire_time: '2025-03-10 18:34:00',
        duration: expect.any(Number), bit_rate: expect.any(Number), height: expect.any(Number), width: expect.any(Number),
        size: expect.any(Number), signature: expect.stringMatching(/^[0-9a-f]{32}$/), file_name: expect.any(String),
        allowed_placements: expect.any(Array), allow_download: expect.any(Boolean), displayable: expect.any(Boolean),
        create_time: expect.stringMatching(ISO), modify_time: expect.stringMatching(ISO),
      });
    }
    const times = list.map((v) => String(v.modify_time));
    expect(times).toEqual([...times].sort().reverse());
  });

  it('lists a file uploaded twice once, and both uploads when asked for by video_ids', async () => {
    const listed = (await ok(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, page_size: 100 })).list as Row[];
    // 15 uploads per advertiser, the eighth of which was uploaded twice.
    expect(listed).toHaveLength(15);
    const duplicated = listed.filter((v) => listed.filter((w) => w.signature === v.signature).length > 1);
    expect(duplicated).toEqual([]);
    const { list: byMaterial } = await ok(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, filtering: { material_ids: listed.map((v) => v.material_id).slice(0, 20) } });
    expect(byMaterial).toHaveLength(15);
    // The second upload's id is what TikTok's upload call returned; the test reads it from the generator.
    const world = new World(resolveOptions(BASE));
    const second = videosOf(world, world.advertisers[0]!).find((v) => v.duplicateOf !== undefined)!;
    expect(listed.map((v) => v.video_id)).not.toContain(second.videoId);
    const both = (await ok(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, filtering: { video_ids: [second.duplicateOf, second.videoId] } })).list as Row[];
    expect(both.map((v) => v.video_id).sort()).toEqual([second.duplicateOf, second.videoId].sort());
    expect(new Set(both.map((v) => v.signature)).size).toBe(1);
  });

  it('filters by video_name and video_material_sources, and refuses bad filters', async () => {
    const all = (await ok(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, page_size: 100 })).list as Row[];
    const named = (await ok(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, filtering: { video_name: 'VIDEO_0000' } })).list as Row[];
    expect(named.map((v) => v.video_id)).toEqual(all.filter((v) => /_video_0000\d/.test(String(v.file_name))).map((v) => v.video_id).slice(0, 20));
    const manager = (await ok(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, page_size: 100, filtering: { video_material_sources: ['UPLOADED_TO_TIKTOK_ADS_MANAGER'] } })).list as Row[];
    const others = (await ok(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, page_size: 100, filtering: { video_material_sources: ['UPLOADED_TO_CATALOG', 'CREATIVE_TOOL_SMART_VIDEO', 'CREATIVE_TOOL_VIDEO_TEMPLATE', 'TIKTOK_CREATIVE_EXCHANGE', 'AUTOMATED_CREATIVE_OPTIMIZATION', 'CREATIVE_CENTER_VIDEO_UPLOAD', 'OTHER'] } })).list as Row[];
    expect(manager.length + others.length).toBe(all.length);
    expect(await call(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, filtering: { video_material_sources: ['MY_PHONE'] } }))
      .toMatchObject({ code: 40002, message: expect.stringContaining('video_material_sources') });
    expect(await call(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, filtering: { material_ids: Array.from({ length: 21 }, (_, i) => String(i)) } }))
      .toMatchObject({ code: 40002, message: expect.stringContaining('material_ids') });
    expect(await call(emu, 'file/video/ad/search/', { advertiser_id: ids[0]!, page_size: 0 }))
      .toMatchObject({ code: 40002, message: expect.stringContaining('page_size') });
  });
});

describe('the 10,000-item search cap', () => {
  it('serves only the newest 10,000 images; ratio buckets split the search so every image is reached', async () => {
    const big = await start({ advertisers: 1, imagesPerAdvertiser: 10_500, videosPerAdvertiser: 0 });
    const advertiser_id = big.ids[0]!;
    const { rows, info, calls } = await allPages(big.emu, 'file/image/ad/search/', 'list', { advertiser_id, page_size: 100 });
    expect(info).toMatchObject({ total_number: 10_000, total_page: 100 });
    expect(calls).toBe(100);
    expect(new Set(rows.map((r) => r.image_id)).size).toBe(10_000);
    const beyond = await ok(big.emu, 'file/image/ad/search/', { advertiser_id, page_size: 100, page: 101 });
    expect(beyond.list).toEqual([]);
    // Buckets 0.1 apart partition all aspect ratios; each part stays under the cap.
    const buckets = Array.from({ length: 30 }, (_, i) => Math.round((0.1 + i * 0.1) * 10) / 10);
    const reached = new Set<unknown>();
    for (const half of [buckets.slice(0, 9), buckets.slice(9, 11), buckets.slice(11)]) {
      const part = await allPages(big.emu, 'file/image/ad/search/', 'list', { advertiser_id, page_size: 100, filtering: { ratio: half } });
      expect(part.info.total_number).toBeLessThan(10_000);
      for (const row of part.rows) {
        expect(reached.has(row.image_id)).toBe(false);
        reached.add(row.image_id);
      }
    }
    expect(reached.size).toBe(10_500);
    // What the cap hid: the oldest images, reachable only through the split.
    const capped = new Set(rows.map((r) => r.image_id));
    const hidden = [...reached].filter((id) => !capped.has(id));
    expect(hidden).toHaveLength(500);
  });

  it('caps video searches too; video_material_sources splits them', async () => {
    const big = await start({ advertisers: 1, imagesPerAdvertiser: 0, videosPerAdvertiser: 10_200 });
    const advertiser_id = big.ids[0]!;
    const first = await ok(big.emu, 'file/video/ad/search/', { advertiser_id, page_size: 100 });
    expect(first.page_info).toMatchObject({ total_number: 10_000, total_page: 100 });
    expect((await ok(big.emu, 'file/video/ad/search/', { advertiser_id, page_size: 100, page: 101 })).list).toEqual([]);
    let sum = 0;
    for (const sources of [['UPLOADED_TO_TIKTOK_ADS_MANAGER'], ['UPLOADED_TO_CATALOG', 'CREATIVE_TOOL_SMART_VIDEO', 'CREATIVE_TOOL_VIDEO_TEMPLATE', 'TIKTOK_CREATIVE_EXCHANGE', 'AUTOMATED_CREATIVE_OPTIMIZATION', 'CREATIVE_CENTER_VIDEO_UPLOAD', 'OTHER']]) {
      const part = await ok(big.emu, 'file/video/ad/search/', { advertiser_id, page_size: 1, filtering: { video_material_sources: sources } });
      const total = (part.page_info as PageInfo).total_number;
      expect(total).toBeLessThan(10_000);
      sum += total;
    }
    expect(sum).toBe(10_200);
  });
});

describe('file/music/get/ and creative/portfolio/list/', () => {
  it('lists system music without modify_time and own uploads with it, at most 50 a page', async () => {
    const first = await ok(emu, 'file/music/get/', { advertiser_id: ids[0]!, page_size: 100 });
    const info = first.page_info as PageInfo;
    expect((first.musics as Row[])).toHaveLength(50);
    expect(info.page_size).toBe(50);
    expect(info.total_number).toBeGreaterThan(50);
    const { rows } = await allPages(emu, 'file/music/get/', 'musics', { advertiser_id: ids[0]!, page_size: 100 });
    expect(rows).toHaveLength(info.total_number);
    expect(await naivePages(emu, 'file/music/get/', 'musics', { advertiser_id: ids[0]!, page_size: 100 })).toHaveLength(50);
    const system = rows.filter((m) => (m.sources as string[]).includes('SYSTEM'));
    const own = rows.filter((m) => (m.sources as string[]).includes('CUSTOMIZE'));
    expect(system.length).toBe(48);
    expect(own.length).toBe(rows.length - 48);
    for (const m of system) expect('modify_time' in m).toBe(false);
    for (const m of own) expect(m.modify_time).toMatch(SQL_TIME);
    for (const m of rows) {
      expect(m).toMatchObject({
        music_id: expect.stringMatching(ID19), material_id: expect.stringMatching(ID19), author: expect.any(String), cover_url: expect.any(String),
        url: expect.any(String), style: expect.any(String), signature: expect.any(String), name: expect.any(String), file_name: expect.any(String),
        copyright: expect.any(String), liked: expect.any(Boolean), duration: expect.any(Number), create_time: expect.stringMatching(SQL_TIME),
      });
    }
    // The system library is TikTok's: the same ids for every advertiser.
    const other = (await ok(emu, 'file/music/get/', { advertiser_id: ids[1]!, page_size: 48 })).musics as Row[];
    expect(other.map((m) => m.music_id)).toEqual(system.map((m) => m.music_id));
  });

  it('lists portfolios of every type but CTA unless the filter names CTA', async () => {
    const { rows } = await allPages(emu, 'creative/portfolio/list/', 'creative_portfolios', { advertiser_id: ids[0]!, page_size: 4 });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((p) => p.creative_portfolio_type === 'CTA')).toBe(false);
    for (const p of rows) {
      expect(p).toMatchObject({ creative_portfolio_id: expect.stringMatching(ID19), creative_portfolio_type: expect.any(String), creative_portfolio_preview_url: expect.any(String) });
    }
    const cta = (await ok(emu, 'creative/portfolio/list/', { advertiser_id: ids[0]!, filtering: { creative_portfolio_types: ['CTA'] } })).creative_portfolios as Row[];
    expect(cta.length).toBeGreaterThan(0);
    expect(cta.every((p) => p.creative_portfolio_type === 'CTA' && Array.isArray(p.portfolio_content))).toBe(true);
    expect(await call(emu, 'creative/portfolio/list/', { advertiser_id: ids[0]!, page_size: 101 })).toMatchObject({ code: 40002 });
  });
});

describe('tt_video/list/ (Spark Ads)', () => {
  it('lists authorised posts with user, item, auth and video info, at most 50 a page', async () => {
    let richest = ids[0]!;
    let most = 0;
    for (const id of ids) {
      const total = ((await ok(emu, 'tt_video/list/', { advertiser_id: id })).page_info as PageInfo).total_number;
      if (total > most) [richest, most] = [id, total];
    }
    expect(most).toBeGreaterThan(50);
    const first = await ok(emu, 'tt_video/list/', { advertiser_id: richest, page_size: 80 });
    expect((first.list as Row[]).length).toBe(Math.min(50, most));
    expect((first.page_info as PageInfo).page_size).toBe(50);
    const { rows } = await allPages(emu, 'tt_video/list/', 'list', { advertiser_id: richest, page_size: 80 });
    expect(rows).toHaveLength(most);
    for (const post of rows) {
      expect(post).toMatchObject({
        user_info: { tiktok_name: expect.any(String), identity_id: expect.stringMatching(ID19), identity_type: 'AUTH_CODE' },
        item_info: { anchor_list: expect.any(Array), text: expect.any(String), status: expect.any(String), auth_code: expect.any(String), item_id: expect.stringMatching(ID19), item_type: expect.stringMatching(/^(VIDEO|CAROUSEL)$/), carousel_info: expect.any(Object) },
        auth_info: { auth_start_time: expect.stringMatching(SQL_TIME), ad_auth_status: expect.any(String), invite_start_time: expect.stringMatching(SQL_TIME), auth_end_time: expect.stringMatching(SQL_TIME) },
        video_info: { duration: expect.any(Number), preview_url: expect.any(String), bit_rate: expect.any(Number), height: expect.any(Number), width: expect.any(Number), size: expect.any(Number), signature: expect.any(String), poster_url: expect.any(String) },
      });
      expect('spark_ads_post_id' in post).toBe(false);
    }
    expect(new Set(rows.map((p) => (p.item_info as Row).item_id)).size).toBe(most);
  });
});

describe('pixel/list/', () => {
  it('serves at most 20 pixels a page: page_info reaches all 27, "fewer rows than asked" stops after one page', async () => {
    const first = await ok(emu, 'pixel/list/', { advertiser_id: ids[0]!, page_size: 100 });
    expect(first.page_info).toEqual({ page: 1, page_size: 20, total_number: 27, total_page: 2 });
    const { rows } = await allPages(emu, 'pixel/list/', 'pixels', { advertiser_id: ids[0]!, page_size: 100 });
    expect(new Set(rows.map((p) => p.pixel_id)).size).toBe(27);
    expect(await naivePages(emu, 'pixel/list/', 'pixels', { advertiser_id: ids[0]!, page_size: 100 })).toHaveLength(20);
    for (const pixel of rows) {
      expect(pixel).toMatchObject({
        pixel_id: expect.stringMatching(ID19), pixel_code: expect.stringMatching(/^C[A-Z0-9]{19}$/), pixel_name: expect.any(String),
        pixel_category: expect.any(String), pixel_script: expect.stringContaining(String(pixel.pixel_code)), create_time: expect.stringMatching(SQL_TIME),
        pixel_setup_mode: expect.any(String), partner_name: expect.any(String),
        advanced_matching_fields: { phone_number: expect.any(Boolean), email: expect.any(Boolean) },
        asset_ownership: { asset_relation_status: expect.any(String), ownership_status: true, owner_bc_id: expect.stringMatching(ID19) },
      });
      for (const event of pixel.events as Row[]) {
        expect(event).toMatchObject({
          currency_value: expect.any(String), currency: expect.any(String), name: expect.any(String), deprecated: expect.any(Boolean),
          event_type: expect.any(String), optimization_event: expect.any(String), custom_event_type: expect.any(String), event_code: expect.any(String),
          event_id: expect.any(String), statistic_type: expect.any(String), rules: expect.any(Array),
        });
        for (const rule of event.rules as Row[]) expect(Object.keys(rule).sort()).toEqual(['operator', 'trigger', 'value', 'variable']);
      }
    }
    const times = rows.map((p) => String(p.create_time));
    expect(times).toEqual([...times].sort());
    const latest = (await ok(emu, 'pixel/list/', { advertiser_id: ids[0]!, order_by: 'LATEST_CREATE', page_size: 1 })).pixels as Row[];
    expect(latest[0]!.pixel_id).toBe(rows.at(-1)!.pixel_id);
    const byCode = (await ok(emu, 'pixel/list/', { advertiser_id: ids[0]!, code: rows[4]!.pixel_code })).pixels as Row[];
    expect(byCode.map((p) => p.pixel_id)).toEqual([rows[4]!.pixel_id]);
  });
});

describe('pixel/instant_page/event/', () => {
  it('answers a supported objective × goal with records that name both', async () => {
    let records: Row[] = [];
    for (const id of ids) {
      records = (await ok(emu, 'pixel/instant_page/event/', { advertiser_id: id, objective_type: 'LEAD_GENERATION', optimization_goal: 'LEAD_GENERATION' })).list as Row[];
      if (records.length > 0) break;
    }
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record).toMatchObject({
        business_type: expect.any(String),
        instant_page_events: { objective_types: [{ objective_type: 'LEAD_GENERATION', optimization_goals: [{ optimization_goal: 'LEAD_GENERATION', optimization_events: expect.any(Array) }] }] },
      });
    }
  });

  it('refuses an unsupported pair with TikTok\'s wording, and values outside the enums naming the parameter', async () => {
    expect(await call(emu, 'pixel/instant_page/event/', { advertiser_id: ids[0]!, objective_type: 'REACH', optimization_goal: 'INSTALL' }))
      .toMatchObject({ code: 40002, message: expect.stringContaining('one or more value of the param(s) is not acceptable') });
    expect(await call(emu, 'pixel/instant_page/event/', { advertiser_id: ids[0]!, objective_type: 'SALES', optimization_goal: 'CLICK' }))
      .toMatchObject({ code: 40002, message: expect.stringContaining('objective_type') });
    expect(await call(emu, 'pixel/instant_page/event/', { advertiser_id: ids[0]!, objective_type: 'TRAFFIC' }))
      .toMatchObject({ code: 40002, message: expect.stringContaining('optimization_goal') });
  });
});

describe('pixel/event/stats/', () => {
  const range = (start_date: string, end_date: string) => ({ start_date, end_date });
  async function pixelsOf(advertiser: string): Promise<Row[]> {
    return (await allPages(emu, 'pixel/list/', 'pixels', { advertiser_id: advertiser })).rows;
  }

  it('counts each event of the advertiser\'s own pixels; ranges add up', async () => {
    const [a, b] = (await pixelsOf(ids[0]!)).slice(0, 2);
    const stats = async (date_range: Params) =>
      (await ok(emu, 'pixel/event/stats/', { advertiser_id: ids[0]!, pixel_ids: [a!.pixel_id, b!.pixel_id], date_range })).list as Row[];
    // Airbyte's window: UTC today − 29 .. today + 1.
    const whole = await stats(range('2025-02-09', '2025-03-11'));
    expect(whole.map((r) => r.pixel_id)).toEqual([a!.pixel_id, b!.pixel_id]);
    const statistics = whole[0]!.statistics as Row[];
    expect(statistics.map((s) => s.custom_event_type)).toEqual((a!.events as Row[]).map((e) => e.custom_event_type));
    for (const s of statistics) {
      expect(s).toMatchObject({ pixel_event_type: expect.stringMatching(/^(STANDARD|CUSTOM)$/), custom_event_type: expect.any(String) });
      expect(s.total_count).toBe((s.browser_event_total_count as number) + (s.server_event_total_count as number));
      expect(s.attributed_count as number).toBeLessThanOrEqual(s.total_count as number);
    }
    const early = await stats(range('2025-02-09', '2025-02-28'));
    const late = await stats(range('2025-03-01', '2025-03-11'));
    const sum = (rows: Row[], key: string) => rows.flatMap((r) => r.statistics as Row[]).reduce((n, s) => n + (s[key] as number), 0);
    expect(sum(whole, 'total_count')).toBeGreaterThan(0);
    for (const key of ['total_count', 'attributed_count', 'preview_count', 'browser_event_total_count']) {
      expect(sum(early, key) + sum(late, key)).toBe(sum(whole, key));
    }
    // Days after today (UTC) hold nothing yet.
    expect(sum(await stats(range('2025-03-10', '2025-03-11')), 'total_count')).toBe(sum(await stats(range('2025-03-10', '2025-03-10')), 'total_count'));
  });

  it('answers 40001 for a pixel of another advertiser, 40002 for pixel_ids that is not an array and for bad ranges', async () => {
    const foreign = (await pixelsOf(ids[1]!))[0]!.pixel_id as string;
    const own = (await pixelsOf(ids[0]!))[0]!.pixel_id as string;
    const ask = (params: Params) => call(emu, 'pixel/event/stats/', { advertiser_id: ids[0]!, date_range: range('2025-03-01', '2025-03-10'), ...params });
    expect(await ask({ pixel_ids: [own, foreign] })).toMatchObject({ code: 40001, message: expect.stringContaining('Adv has no permission to operate on the Pixel') });
    expect((await ask({ pixel_ids: [own, foreign] })).message).toContain(foreign);
    expect(await ask({ pixel_ids: own })).toMatchObject({ code: 40002, message: expect.stringContaining('Field must be set to array') });
    expect(await ask({ pixel_ids: Array.from({ length: 11 }, () => own).map((p, i) => `${p.slice(0, -2)}${String(i).padStart(2, '0')}`) }))
      .toMatchObject({ code: 40002, message: expect.stringContaining('pixel_ids') });
    expect(await ask({ pixel_ids: [own], date_range: range('2025-02-07', '2025-03-10') })).toMatchObject({ code: 40002, message: expect.stringContaining('31 days') });
    expect(await ask({ pixel_ids: [own], date_range: range('2025-03-11', '2025-03-12') })).toMatchObject({ code: 40002, message: expect.stringContaining('start_date') });
    expect(await ask({ pixel_ids: [own], date_range: range('2025-03-05', '2025-03-01') })).toMatchObject({ code: 40002, message: expect.stringContaining('end_date') });
    expect(await ask({ pixel_ids: [own], date_range: undefined })).toMatchObject({ code: 40002, message: expect.stringContaining('date_range') });
  });
});

describe('sandbox and creative scope', () => {
  it('refuses the production-only endpoints in sandbox mode and serves the rest', async () => {
    const sandbox = await start({ sandbox: true });
    const advertiser_id = sandbox.ids[0]!;
    const refused: [string, Params][] = [
      ['oauth2/advertiser/get/', { app_id: BASE.appId, secret: BASE.secret }], ['advertiser/info/', { advertiser_ids: [advertiser_id] }],
      ['tt_video/list/', { advertiser_id }], ['pixel/list/', { advertiser_id }],
      ['pixel/instant_page/event/', { advertiser_id, objective_type: 'TRAFFIC', optimization_goal: 'CLICK' }],
      ['pixel/event/stats/', { advertiser_id, pixel_ids: ['1'], date_range: { start_date: '2025-03-01', end_date: '2025-03-02' } }],
    ];
    for (const [path, params] of refused) {
      expect([path, await call(sandbox.emu, path, params)]).toEqual([path, expect.objectContaining({ code: 40001, message: expect.stringContaining('sandbox') })]);
      const production = path === 'advertiser/info/' ? { advertiser_ids: [ids[0]] } : path.startsWith('oauth2') ? params : { ...params, advertiser_id: ids[0] };
      expect((await call(emu, path, production)).message).not.toContain('sandbox');
    }
    for (const path of ['dmp/custom_audience/list/', 'file/image/ad/search/', 'file/video/ad/search/', 'file/music/get/', 'creative/portfolio/list/', 'campaign/get/']) {
      expect((await call(sandbox.emu, path, { advertiser_id })).code).toBe(0);
    }
  });

  it('answers 40001 naming the endpoint for an advertiser without the creative-library scope', async () => {
    const denied = await start({ creativeDeniedAdvertiser: 1 });
    for (const path of ['file/video/ad/search/', 'file/image/ad/search/', 'file/music/get/']) {
      expect(await call(denied.emu, path, { advertiser_id: denied.ids[1]! }))
        .toMatchObject({ code: 40001, message: `advertiser does not grant you /${path}:GET permission` });
      expect((await call(denied.emu, path, { advertiser_id: denied.ids[0]! })).code).toBe(0);
      expect((await call(emu, path, { advertiser_id: ids[1]! })).code).toBe(0);
    }
    expect((await call(denied.emu, 'creative/portfolio/list/', { advertiser_id: denied.ids[1]! })).code).toBe(0);
  });

  it('takes the new options as CLI flags', () => {
    expect(parseEmulatorArgs(['--sandbox', '--images', '12000', '--videos=3', '--creative-denied-advertiser', '2']))
      .toMatchObject({ sandbox: true, imagesPerAdvertiser: 12_000, videosPerAdvertiser: 3, creativeDeniedAdvertiser: 2 });
    expect(parseEmulatorArgs([])).not.toHaveProperty('sandbox');
    expect(() => parseEmulatorArgs(['--sandbox=yes'])).toThrow(/takes no value/);
  });
});
