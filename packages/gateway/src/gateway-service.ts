import { readFile } from 'node:fs/promises'
import { Agent } from 'node:https'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { multiaddr } from '@multiformats/multiaddr'
import * as acme from 'acme-client'
import type { PeerId, Startable } from '@libp2p/interface'
import type { DriverFactory, KindOnFarmer, KindServiceComponents } from '@p2pcloud/farmer'
import type { StreamOpener } from '@p2pcloud/wire'
import { AcmeCertificates } from './acme.js'
import { BackendChecks } from './backend-checks.js'
import { FrontDoor } from './front-door.js'
import { GatewayDriver } from './gateway-driver.js'
import type { GatewayFarmerInit, GatewayWorkloadSpec } from './gateway-kind.js'
import type { GatewaySettings } from './gateway-settings.js'
import { tunnelConnector, type TunnelProof } from './tunnel.js'
import type { BackendConnector, TlsMode } from './routes.js'

const log = logger('p2pcloud:gateway:service')

/** What the driver serves for one name. */
export interface ServedName {
  tls: TlsMode
  /** The backend deployment's farmer, and the proof this gateway shows it. */
  farmer: PeerId
  proof: TunnelProof
  /** The overlay path, when this gateway is a member of the backend's network: tried first. */
  overlay?: BackendConnector
}

/** How long a connection over the overlay may take to open before the mesh is used instead (no WireGuard handshake yet). */
export const OVERLAY_TRY_MS = 3000

/** The overlay first; the mesh when it does not connect within OVERLAY_TRY_MS (a network still being set up, or gone). */
export function overlayFirst (overlay: BackendConnector, mesh: BackendConnector): BackendConnector {
  return async signal => {
    try {
      return await overlay(AbortSignal.any([signal, AbortSignal.timeout(OVERLAY_TRY_MS)]))
    } catch (err) {
      if (signal.aborted) throw err
      log('the overlay did not connect, through the mesh - %e', err)
      return await mesh(signal)
    }
  }
}

/**
 * A gateway farmer's front door with its certificates and backend checks, shared by the drivers
 * of both gateway types and run as the `gateway` service. The driver comes with the farmer, the
 * service after it: the service hands over what reaches other peers.
 */
export class GatewayService implements Startable {
  readonly door: FrontDoor
  readonly certificates: AcmeCertificates
  readonly checks: BackendChecks
  private components?: KindServiceComponents
  private readonly started: Promise<void>
  private markStarted: () => void = () => {}

  constructor (readonly settings: GatewaySettings, dir: string) {
    this.certificates = new AcmeCertificates({ directoryUrl: settings.acme.directoryUrl, email: settings.acme.email, dir })
    this.door = new FrontDoor({ http: settings.http, https: settings.https, certificates: this.certificates.secureContext, challenges: this.certificates.challenges })
    this.checks = new BackendChecks(settings.probeIntervalMs)
    this.started = new Promise(resolve => { this.markStarted = resolve })
  }

  /** The service's components: set when the service is made, before anything is applied. */
  attach (components: KindServiceComponents): this {
    this.components = components
    return this
  }

  async start (): Promise<void> {
    // acme-client has one HTTP client for all its uses: a test CA is trusted for all of them
    if (this.settings.acme.caFile !== undefined) acme.axios.defaults.httpsAgent = new Agent({ ca: await readFile(this.settings.acme.caFile, 'utf8') })
    await this.certificates.start()
    await this.door.start()
    this.checks.start()
    this.markStarted()
  }

  async stop (): Promise<void> {
    this.checks.stop()
    this.certificates.stop()
    await this.door.stop()
  }

  /** Route `host` to its backend over the overlay or through the mesh, check it, and for `terminate` get its certificate (in the background: ACME may take a while, and retries). */
  serve (host: string, name: ServedName): void {
    const mesh = tunnelConnector({ node: this.opener(), farmer: name.farmer, proof: name.proof })
    const connect = name.overlay === undefined ? mesh : overlayFirst(name.overlay, mesh)
    this.door.routes.set(host, { tls: name.tls, connect })
    this.checks.watch(host, connect)
    if (name.tls === 'terminate') {
      void this.started.then(async () => { await this.certificates.obtain(host) })
        .catch(err => { log('no certificate for %s yet (retried) - %e', host, err) })
    }
  }

  /** Stop serving `host` (its open connections are closed); `release` also gives up its certificate. */
  async unserve (host: string, release: boolean): Promise<void> {
    this.door.routes.delete(host)
    this.checks.forget(host)
    if (release) await this.certificates.release(host)
  }

  /** Where `host` is served, as a client writes it. */
  url (host: string, tls: TlsMode): string {
    const [scheme, port, standard] = tls === 'none' ? ['http', this.settings.http.port, 80] : ['https', this.settings.https.port, 443]
    return `${scheme}://${host}${port === standard ? '' : `:${port}`}/`
  }

  /**
   * Streams to other peers: a backend's farmer this gateway holds no connection to is dialled at
   * the addresses of its advert first (a farmer behind NAT is reachable at its relay's).
   */
  private opener (): StreamOpener {
    return {
      dialProtocol: async (peer, protocols, options) => {
        const components = this.components
        if (components === undefined) throw new Error('the gateway service is not running')
        const addresses = components.capacity?.directory.get(peer.toString())?.advert.addresses ?? []
        if (addresses.length > 0 && components.connectionManager.getConnections(peer as PeerId).length === 0) {
          await components.connectionManager.openConnection(addresses.map(a => multiaddr(`${a}/p2p/${peer.toString()}`)), options)
            .catch(err => { log('could not dial %s by its advert - %e', peer.toString(), err) })
        }
        return await components.connectionManager.openStream(peer as PeerId, protocols, options)
      }
    }
  }
}

const shared = new WeakMap<GatewayFarmerInit, GatewayService>()

/** The driver of `type` and the `gateway` service, one GatewayService per farmer (both types share it). */
export function gatewayOnFarmer (init: GatewayFarmerInit, type: GatewayWorkloadSpec['type']): KindOnFarmer<{ gateway: GatewayService }> {
  const settings = init.gateway
  if (settings === undefined) throw new Error('a gateway farmer needs its gateway settings')
  let service = shared.get(init)
  if (service === undefined) {
    service = new GatewayService(settings, join(init.home, 'gateway'))
    shared.set(init, service)
  }
  const gateway = service
  const driver: DriverFactory = (components, _volumes, networks) => new GatewayDriver(type, gateway, components, networks)
  return { driver, services: { gateway: components => gateway.attach(components) } }
}
