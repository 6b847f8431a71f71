import { Option, type Command } from 'commander'
import type { AdvertView, FIND_PARAMS } from '@p2pcloud/capacity'
import { formatSize } from '@p2pcloud/node/home-files'
import { contextOf, daemonClient } from '../context.js'
import { print } from '../output.js'
import { checkOption } from '../options.js'

function resourceLine (label: string, r: AdvertView['free']): string {
  return `${label} ${r.cru} cores, ${formatSize(r.mru)} RAM, ${formatSize(r.sru)} SSD, ${formatSize(r.hru)} HDD, ${r.ipv4u} IPv4`
}

function advertLines (advert: AdvertView): string[] {
  const place = advert.city !== '' ? `${advert.city}, ${advert.country}` : advert.country
  return [
    `${advert.peerId}  farm ${advert.farm}, ${place}`,
    `  ${resourceLine('free: ', advert.free)}`,
    `  ${resourceLine('total:', advert.total)}`,
    `  price: ${advert.price.cuHour} ${advert.price.currency}/CU-hour, ${advert.price.suHour}/SU-hour, ${advert.price.ipv4Hour}/IPv4-hour` +
      (advert.capabilities.length > 0 ? `; offers ${advert.capabilities.join(', ')}` : ''),
    ...(advert.gatewayDomain !== undefined ? [`  gateway for *.${advert.gatewayDomain}`] : []),
    `  advert seq ${advert.seq}, expires ${advert.expiresAt}${advert.source != null ? `, via ${advert.source}` : ''}`
  ]
}

export function registerMarket (program: Command): void {
  program
    .command('capacity')
    .description('this farmer\'s current advert: total and free capacity, price, capabilities')
    .action(async (_options, command: Command) => {
      const context = contextOf(command)
      const advert = await (await daemonClient(context)).request<AdvertView & { reserved: AdvertView['free'] }>('GET', '/v1/capacity')
      print(context, advert, value => [...advertLines(value), `  ${resourceLine('reserved:', value.reserved)}`])
    })

  const find = program
    .command('find')
    .description('find farmers with free capacity: gossiped adverts first, the DHT when too few match')
    .addHelpText('after', '\nSizes take K, M, G, T suffixes (binary): --mru 4G. --json prints [{"peerId","farm","country","free":{...},...}] with sizes in bytes.\nExample: p2pcloud find --country BE --cru 2 --mru 4G --sort price --json')
  type FindParam = (typeof FIND_PARAMS)[number]
  const flags: Record<FindParam, string> = {
    country: 'two-letter country code, e.g. BE',
    farm: 'only nodes of this farm',
    capability: 'only farmers offering this (container, zdb, gateway, relay, …)',
    cru: 'at least this many free cores',
    mru: 'at least this much free RAM, e.g. 4G',
    sru: 'at least this much free SSD, e.g. 100G',
    hru: 'at least this much free HDD, e.g. 1T',
    'max-price': 'at most this price of one CU-hour',
    sort: 'price (cheapest first, default) or free (most free cores first)',
    limit: 'at most this many farmers (default 20)'
  }
  const names = Object.keys(flags) as FindParam[]
  for (const name of names) find.addOption(new Option(`--${name} <value>`, flags[name]))
  find.option('--local', 'only adverts this peer already holds; do not ask the DHT')
  find.action(async (options: Record<string, string | boolean>, command: Command) => {
    const context = contextOf(command)
    const { parseFindParams } = await import('@p2pcloud/capacity')
    const query = new URLSearchParams()
    for (const name of names) {
      const key = name === 'max-price' ? 'maxPrice' : name
      const value = options[key]
      // the same rules the daemon applies, so a bad flag is refused before it is asked
      if (typeof value === 'string') query.set(name, checkOption(command, `--${name} <value>`, value, v => { parseFindParams({ [name]: v }); return v }))
    }
    if (options.local === true) query.set('local', '1')
    const found = await (await daemonClient(context)).request<AdvertView[]>('GET', `/v1/find?${query.toString()}`)
    print(context, found, list => list.length === 0 ? ['no farmer matches'] : list.flatMap(advertLines))
  })
}
