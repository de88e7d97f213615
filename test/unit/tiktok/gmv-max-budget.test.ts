import { describe, expect, it } from 'vitest';
import { AppBudget } from '../../../src/tiktok/app-budget.ts';
import { laneLimitsOf } from '../../../src/tiktok/limits.ts';

describe("gmv_max/report/get/'s own budget", () => {
  it('is 8 calls a second (or the user\'s lower ceiling) and 20,000 a day, beside the app\'s windows', () => {
    expect(laneLimitsOf({ tier: 'basic', requestsPerSecond: 50, taskRequestsPerSecond: 1 }).gmvMax).toEqual({ perSecond: 8, perDay: 20_000 });
    expect(laneLimitsOf({ tier: 'ultimate', requestsPerSecond: 5, taskRequestsPerSecond: 1 }).gmvMax).toEqual({ perSecond: 5, perDay: 20_000 });
    expect(laneLimitsOf({ tier: 'basic', requestsPerSecond: 5, requestsPerDay: 1_000, taskRequestsPerSecond: 1 }).gmvMax.perDay).toBe(1_000);
  });

  it('is passed by GMV Max report calls only, after the app lane, and counted apart from it', async () => {
    const budget = new AppBudget({ ...laneLimitsOf({ tier: 'basic', requestsPerSecond: 50, taskRequestsPerSecond: 1 }), suspensionMs: 1000, notice: () => undefined });
    expect(budget.lanesFor('gmv_max/report/get/').map((lane) => lane.name)).toEqual(['app', 'gmv_max']);
    expect(budget.lanesFor('/gmv_max/report/get/').map((lane) => lane.name)).toEqual(['app', 'gmv_max']);
    expect(budget.lanesFor('gmv_max/store/list/').map((lane) => lane.name)).toEqual(['app']);
    expect(budget.lanesFor('report/integrated/get/').map((lane) => lane.name)).toEqual(['app']);
    for (const lane of budget.lanesFor('gmv_max/report/get/')) (await lane.limiter.acquire())();
    (await budget.app.limiter.acquire())();
    expect(budget.gmvMax.limiter.remaining().day).toBe(19_999);
    expect(budget.app.limiter.remaining().day).toBe(864_000 - 2);
    expect(budget.create.limiter.remaining().day).toBe(4_500);
  });
});
