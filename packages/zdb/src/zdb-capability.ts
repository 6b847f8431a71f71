import { ZdbDriver } from './zdb-driver.js'
import { ZdbService, type ZdbServiceComponents } from './zdb-protocol.js'
import type { DriverFactory } from '@p2pcloud/farmer'

/**
 * zdb namespaces on a farmer: the driver for `farmerExtension({ drivers })` and the
 * protocol's service (add it after the farmer), sharing one ZdbDriver.
 */
export function zdbCapability (init: { root: string }): { driver: DriverFactory, service: (components: ZdbServiceComponents) => ZdbService } {
  let driver: ZdbDriver | undefined
  return {
    driver: () => {
      driver = new ZdbDriver(init.root)
      return driver
    },
    service: components => new ZdbService(components, () => driver)
  }
}
