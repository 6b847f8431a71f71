import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface VolumeData {
  size: number
}

export namespace VolumeData {
  let _codec: Codec<VolumeData>

  export const codec = (): Codec<VolumeData> => {
    if (_codec == null) {
      _codec = message<VolumeData>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.size)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          size: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.size = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface VolumeDataSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export function encode (obj: Partial<VolumeData>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VolumeData.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VolumeData>): VolumeData {
    return decodeMessage(buf, VolumeData.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<VolumeData>): Generator<VolumeDataSizeFieldEvent> {
    return streamMessage(buf, VolumeData.codec(), opts)
  }
}

export interface Mount {
  volume: string
  path: string
  readOnly: boolean
}

export namespace Mount {
  let _codec: Codec<Mount>

  export const codec = (): Codec<Mount> => {
    if (_codec == null) {
      _codec = message<Mount>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.volume != null && obj.volume !== '')) {
          w.uint32(10)
          w.string(obj.volume)
        }

        if ((obj.path != null && obj.path !== '')) {
          w.uint32(18)
          w.string(obj.path)
        }

        if ((obj.readOnly != null && obj.readOnly !== false)) {
          w.uint32(24)
          w.bool(obj.readOnly)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          volume: '',
          path: '',
          readOnly: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.volume = reader.string()
              break
            }
            case 2: {
              obj.path = reader.string()
              break
            }
            case 3: {
              obj.readOnly = reader.bool()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.volume`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.path`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.readOnly`,
                value: reader.bool()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface MountVolumeFieldEvent {
    field: '$.volume'
    value: string
  }

  export interface MountPathFieldEvent {
    field: '$.path'
    value: string
  }

  export interface MountReadOnlyFieldEvent {
    field: '$.readOnly'
    value: boolean
  }

  export function encode (obj: Partial<Mount>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Mount.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Mount>): Mount {
    return decodeMessage(buf, Mount.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Mount>): Generator<MountVolumeFieldEvent | MountPathFieldEvent | MountReadOnlyFieldEvent> {
    return streamMessage(buf, Mount.codec(), opts)
  }
}

export enum RestartPolicy {
  NEVER = 'NEVER',
  ON_FAILURE = 'ON_FAILURE',
  ALWAYS = 'ALWAYS'
}

enum __RestartPolicyValues {
  NEVER = 0,
  ON_FAILURE = 1,
  ALWAYS = 2
}

export namespace RestartPolicy {
  export const codec = (): Codec<RestartPolicy> => {
    return enumeration<RestartPolicy>(__RestartPolicyValues)
  }
}

export interface ContainerData {
  flist: Uint8Array<ArrayBuffer>
  entrypoint: string[]
  args: string[]
  env: string[]
  workdir: string
  cru: number
  mru: number
  rootfsSize: number
  mounts: Mount[]
  restart: RestartPolicy
  network: string
  ip: string
  cpuMilli: number
}

export namespace ContainerData {
  let _codec: Codec<ContainerData>

  export const codec = (): Codec<ContainerData> => {
    if (_codec == null) {
      _codec = message<ContainerData>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.flist != null && obj.flist.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.flist)
        }

        if (obj.entrypoint != null && obj.entrypoint.length > 0) {
          for (const value of obj.entrypoint) {
            w.uint32(18)
            w.string(value)
          }
        }

        if (obj.args != null && obj.args.length > 0) {
          for (const value of obj.args) {
            w.uint32(26)
            w.string(value)
          }
        }

        if (obj.env != null && obj.env.length > 0) {
          for (const value of obj.env) {
            w.uint32(34)
            w.string(value)
          }
        }

        if ((obj.workdir != null && obj.workdir !== '')) {
          w.uint32(42)
          w.string(obj.workdir)
        }

        if ((obj.cru != null && obj.cru !== 0)) {
          w.uint32(48)
          w.uint32(obj.cru)
        }

        if ((obj.mru != null && obj.mru !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.mru)
        }

        if ((obj.rootfsSize != null && obj.rootfsSize !== 0)) {
          w.uint32(64)
          w.uint64Number(obj.rootfsSize)
        }

        if (obj.mounts != null && obj.mounts.length > 0) {
          for (const value of obj.mounts) {
            w.uint32(74)
            Mount.codec().encode(value, w)
          }
        }

        if (obj.restart != null && __RestartPolicyValues[obj.restart] !== 0) {
          w.uint32(80)
          RestartPolicy.codec().encode(obj.restart, w)
        }

        if ((obj.network != null && obj.network !== '')) {
          w.uint32(90)
          w.string(obj.network)
        }

        if ((obj.ip != null && obj.ip !== '')) {
          w.uint32(98)
          w.string(obj.ip)
        }

        if ((obj.cpuMilli != null && obj.cpuMilli !== 0)) {
          w.uint32(104)
          w.uint32(obj.cpuMilli)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          flist: uint8ArrayAlloc(0),
          entrypoint: [],
          args: [],
          env: [],
          workdir: '',
          cru: 0,
          mru: 0,
          rootfsSize: 0,
          mounts: [],
          restart: RestartPolicy.NEVER,
          network: '',
          ip: '',
          cpuMilli: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.flist = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.entrypoint != null && obj.entrypoint.length === opts.limits.entrypoint) {
                throw new MaxLengthError('Decode error - repeated field "entrypoint" had too many elements')
              }

              obj.entrypoint.push(reader.string())
              break
            }
            case 3: {
              if (opts.limits?.args != null && obj.args.length === opts.limits.args) {
                throw new MaxLengthError('Decode error - repeated field "args" had too many elements')
              }

              obj.args.push(reader.string())
              break
            }
            case 4: {
              if (opts.limits?.env != null && obj.env.length === opts.limits.env) {
                throw new MaxLengthError('Decode error - repeated field "env" had too many elements')
              }

              obj.env.push(reader.string())
              break
            }
            case 5: {
              obj.workdir = reader.string()
              break
            }
            case 6: {
              obj.cru = reader.uint32()
              break
            }
            case 7: {
              obj.mru = reader.uint64Number()
              break
            }
            case 8: {
              obj.rootfsSize = reader.uint64Number()
              break
            }
            case 9: {
              if (opts.limits?.mounts != null && obj.mounts.length === opts.limits.mounts) {
                throw new MaxLengthError('Decode error - repeated field "mounts" had too many elements')
              }

              obj.mounts.push(Mount.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.mounts$
              }))
              break
            }
            case 10: {
              obj.restart = RestartPolicy.codec().decode(reader)
              break
            }
            case 11: {
              obj.network = reader.string()
              break
            }
            case 12: {
              obj.ip = reader.string()
              break
            }
            case 13: {
              obj.cpuMilli = reader.uint32()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          entrypoint: 0,
          args: 0,
          env: 0,
          mounts: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.flist`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.entrypoint != null && obj.entrypoint === opts.limits.entrypoint) {
                throw new MaxLengthError('Streaming decode error - repeated field "entrypoint" had too many elements')
              }

              yield {
                field: `${prefix}.entrypoint[]`,
                index: obj.entrypoint,
                value: reader.string()
              }

              obj.entrypoint++

              break
            }
            case 3: {
              if (opts.limits?.args != null && obj.args === opts.limits.args) {
                throw new MaxLengthError('Streaming decode error - repeated field "args" had too many elements')
              }

              yield {
                field: `${prefix}.args[]`,
                index: obj.args,
                value: reader.string()
              }

              obj.args++

              break
            }
            case 4: {
              if (opts.limits?.env != null && obj.env === opts.limits.env) {
                throw new MaxLengthError('Streaming decode error - repeated field "env" had too many elements')
              }

              yield {
                field: `${prefix}.env[]`,
                index: obj.env,
                value: reader.string()
              }

              obj.env++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.workdir`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.cru`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.mru`,
                value: reader.uint64Number()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.rootfsSize`,
                value: reader.uint64Number()
              }
              break
            }
            case 9: {
              if (opts.limits?.mounts != null && obj.mounts === opts.limits.mounts) {
                throw new MaxLengthError('Streaming decode error - repeated field "mounts" had too many elements')
              }

              for (const evt of Mount.codec().stream(reader, reader.uint32(), `${prefix}.mounts[]`, {
                limits: opts.limits?.mounts$
              })) {
                yield {
                  ...evt,
                  index: obj.mounts
                }
              }

              obj.mounts++

              break
            }
            case 10: {
              yield {
                field: `${prefix}.restart`,
                value: RestartPolicy.codec().decode(reader)
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.network`,
                value: reader.string()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.ip`,
                value: reader.string()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.cpuMilli`,
                value: reader.uint32()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ContainerDataFlistFieldEvent {
    field: '$.flist'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContainerDataEntrypointFieldEvent {
    field: '$.entrypoint[]'
    index: number
    value: string
  }

  export interface ContainerDataArgsFieldEvent {
    field: '$.args[]'
    index: number
    value: string
  }

  export interface ContainerDataEnvFieldEvent {
    field: '$.env[]'
    index: number
    value: string
  }

  export interface ContainerDataWorkdirFieldEvent {
    field: '$.workdir'
    value: string
  }

  export interface ContainerDataCruFieldEvent {
    field: '$.cru'
    value: number
  }

  export interface ContainerDataMruFieldEvent {
    field: '$.mru'
    value: number
  }

  export interface ContainerDataRootfsSizeFieldEvent {
    field: '$.rootfsSize'
    value: number
  }

  export interface ContainerDataMountsVolumeFieldEvent {
    field: '$.mounts[].volume'
    value: string
    index: number
  }

  export interface ContainerDataMountsPathFieldEvent {
    field: '$.mounts[].path'
    value: string
    index: number
  }

  export interface ContainerDataMountsReadOnlyFieldEvent {
    field: '$.mounts[].readOnly'
    value: boolean
    index: number
  }

  export interface ContainerDataRestartFieldEvent {
    field: '$.restart'
    value: RestartPolicy
  }

  export interface ContainerDataNetworkFieldEvent {
    field: '$.network'
    value: string
  }

  export interface ContainerDataIpFieldEvent {
    field: '$.ip'
    value: string
  }

  export interface ContainerDataCpuMilliFieldEvent {
    field: '$.cpuMilli'
    value: number
  }

  export function encode (obj: Partial<ContainerData>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ContainerData.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ContainerData>): ContainerData {
    return decodeMessage(buf, ContainerData.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ContainerData>): Generator<ContainerDataFlistFieldEvent | ContainerDataEntrypointFieldEvent | ContainerDataArgsFieldEvent | ContainerDataEnvFieldEvent | ContainerDataWorkdirFieldEvent | ContainerDataCruFieldEvent | ContainerDataMruFieldEvent | ContainerDataRootfsSizeFieldEvent | ContainerDataMountsVolumeFieldEvent | ContainerDataMountsPathFieldEvent | ContainerDataMountsReadOnlyFieldEvent | ContainerDataRestartFieldEvent | ContainerDataNetworkFieldEvent | ContainerDataIpFieldEvent | ContainerDataCpuMilliFieldEvent> {
    return streamMessage(buf, ContainerData.codec(), opts)
  }
}

export enum ZdbMode {
  USER = 'USER',
  SEQ = 'SEQ'
}

enum __ZdbModeValues {
  USER = 0,
  SEQ = 1
}

export namespace ZdbMode {
  export const codec = (): Codec<ZdbMode> => {
    return enumeration<ZdbMode>(__ZdbModeValues)
  }
}

export interface ZdbData {
  size: number
  mode: ZdbMode
  readers: Uint8Array<ArrayBuffer>[]
  writers: Uint8Array<ArrayBuffer>[]
}

export namespace ZdbData {
  let _codec: Codec<ZdbData>

  export const codec = (): Codec<ZdbData> => {
    if (_codec == null) {
      _codec = message<ZdbData>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.size != null && obj.size !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.size)
        }

        if (obj.mode != null && __ZdbModeValues[obj.mode] !== 0) {
          w.uint32(16)
          ZdbMode.codec().encode(obj.mode, w)
        }

        if (obj.readers != null && obj.readers.length > 0) {
          for (const value of obj.readers) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (obj.writers != null && obj.writers.length > 0) {
          for (const value of obj.writers) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          size: 0,
          mode: ZdbMode.USER,
          readers: [],
          writers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.size = reader.uint64Number()
              break
            }
            case 2: {
              obj.mode = ZdbMode.codec().decode(reader)
              break
            }
            case 3: {
              if (opts.limits?.readers != null && obj.readers.length === opts.limits.readers) {
                throw new MaxLengthError('Decode error - repeated field "readers" had too many elements')
              }

              obj.readers.push(reader.bytes())
              break
            }
            case 4: {
              if (opts.limits?.writers != null && obj.writers.length === opts.limits.writers) {
                throw new MaxLengthError('Decode error - repeated field "writers" had too many elements')
              }

              obj.writers.push(reader.bytes())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          readers: 0,
          writers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.size`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.mode`,
                value: ZdbMode.codec().decode(reader)
              }
              break
            }
            case 3: {
              if (opts.limits?.readers != null && obj.readers === opts.limits.readers) {
                throw new MaxLengthError('Streaming decode error - repeated field "readers" had too many elements')
              }

              yield {
                field: `${prefix}.readers[]`,
                index: obj.readers,
                value: reader.bytes()
              }

              obj.readers++

              break
            }
            case 4: {
              if (opts.limits?.writers != null && obj.writers === opts.limits.writers) {
                throw new MaxLengthError('Streaming decode error - repeated field "writers" had too many elements')
              }

              yield {
                field: `${prefix}.writers[]`,
                index: obj.writers,
                value: reader.bytes()
              }

              obj.writers++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ZdbDataSizeFieldEvent {
    field: '$.size'
    value: number
  }

  export interface ZdbDataModeFieldEvent {
    field: '$.mode'
    value: ZdbMode
  }

  export interface ZdbDataReadersFieldEvent {
    field: '$.readers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ZdbDataWritersFieldEvent {
    field: '$.writers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ZdbData>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ZdbData.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ZdbData>): ZdbData {
    return decodeMessage(buf, ZdbData.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ZdbData>): Generator<ZdbDataSizeFieldEvent | ZdbDataModeFieldEvent | ZdbDataReadersFieldEvent | ZdbDataWritersFieldEvent> {
    return streamMessage(buf, ZdbData.codec(), opts)
  }
}

export interface NetworkMember {
  peerId: Uint8Array<ArrayBuffer>
  publicKey: Uint8Array<ArrayBuffer>
  subnet: number
  endpoints: string[]
}

export namespace NetworkMember {
  let _codec: Codec<NetworkMember>

  export const codec = (): Codec<NetworkMember> => {
    if (_codec == null) {
      _codec = message<NetworkMember>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peerId)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.subnet != null && obj.subnet !== 0)) {
          w.uint32(24)
          w.uint32(obj.subnet)
        }

        if (obj.endpoints != null && obj.endpoints.length > 0) {
          for (const value of obj.endpoints) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: uint8ArrayAlloc(0),
          publicKey: uint8ArrayAlloc(0),
          subnet: 0,
          endpoints: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.bytes()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.subnet = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.endpoints != null && obj.endpoints.length === opts.limits.endpoints) {
                throw new MaxLengthError('Decode error - repeated field "endpoints" had too many elements')
              }

              obj.endpoints.push(reader.string())
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          endpoints: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.subnet`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              if (opts.limits?.endpoints != null && obj.endpoints === opts.limits.endpoints) {
                throw new MaxLengthError('Streaming decode error - repeated field "endpoints" had too many elements')
              }

              yield {
                field: `${prefix}.endpoints[]`,
                index: obj.endpoints,
                value: reader.string()
              }

              obj.endpoints++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface NetworkMemberPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NetworkMemberPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NetworkMemberSubnetFieldEvent {
    field: '$.subnet'
    value: number
  }

  export interface NetworkMemberEndpointsFieldEvent {
    field: '$.endpoints[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<NetworkMember>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NetworkMember.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NetworkMember>): NetworkMember {
    return decodeMessage(buf, NetworkMember.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NetworkMember>): Generator<NetworkMemberPeerIdFieldEvent | NetworkMemberPublicKeyFieldEvent | NetworkMemberSubnetFieldEvent | NetworkMemberEndpointsFieldEvent> {
    return streamMessage(buf, NetworkMember.codec(), opts)
  }
}

export interface NetworkData {
  networkId: Uint8Array<ArrayBuffer>
  range: string
  subnet: number
  members: NetworkMember[]
}

export namespace NetworkData {
  let _codec: Codec<NetworkData>

  export const codec = (): Codec<NetworkData> => {
    if (_codec == null) {
      _codec = message<NetworkData>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.networkId != null && obj.networkId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.networkId)
        }

        if ((obj.range != null && obj.range !== '')) {
          w.uint32(18)
          w.string(obj.range)
        }

        if ((obj.subnet != null && obj.subnet !== 0)) {
          w.uint32(24)
          w.uint32(obj.subnet)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(34)
            NetworkMember.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          networkId: uint8ArrayAlloc(0),
          range: '',
          subnet: 0,
          members: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.networkId = reader.bytes()
              break
            }
            case 2: {
              obj.range = reader.string()
              break
            }
            case 3: {
              obj.subnet = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(NetworkMember.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.members$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          members: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.networkId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.range`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.subnet`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              for (const evt of NetworkMember.codec().stream(reader, reader.uint32(), `${prefix}.members[]`, {
                limits: opts.limits?.members$
              })) {
                yield {
                  ...evt,
                  index: obj.members
                }
              }

              obj.members++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface NetworkDataNetworkIdFieldEvent {
    field: '$.networkId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NetworkDataRangeFieldEvent {
    field: '$.range'
    value: string
  }

  export interface NetworkDataSubnetFieldEvent {
    field: '$.subnet'
    value: number
  }

  export interface NetworkDataMembersPeerIdFieldEvent {
    field: '$.members[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface NetworkDataMembersPublicKeyFieldEvent {
    field: '$.members[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface NetworkDataMembersSubnetFieldEvent {
    field: '$.members[].subnet'
    value: number
    index: number
  }

  export interface NetworkDataMembersEndpointsFieldEvent {
    field: '$.members[].endpoints[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<NetworkData>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NetworkData.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NetworkData>): NetworkData {
    return decodeMessage(buf, NetworkData.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NetworkData>): Generator<NetworkDataNetworkIdFieldEvent | NetworkDataRangeFieldEvent | NetworkDataSubnetFieldEvent | NetworkDataMembersPeerIdFieldEvent | NetworkDataMembersPublicKeyFieldEvent | NetworkDataMembersSubnetFieldEvent | NetworkDataMembersEndpointsFieldEvent> {
    return streamMessage(buf, NetworkData.codec(), opts)
  }
}

export enum NetworkPathKind {
  CONNECTING = 'CONNECTING',
  DIRECT = 'DIRECT',
  RELAYED = 'RELAYED'
}

enum __NetworkPathKindValues {
  CONNECTING = 0,
  DIRECT = 1,
  RELAYED = 2
}

export namespace NetworkPathKind {
  export const codec = (): Codec<NetworkPathKind> => {
    return enumeration<NetworkPathKind>(__NetworkPathKindValues)
  }
}

export interface NetworkPath {
  peerId: Uint8Array<ArrayBuffer>
  path: NetworkPathKind
  endpoint: string
  latestHandshakeMs: number
}

export namespace NetworkPath {
  let _codec: Codec<NetworkPath>

  export const codec = (): Codec<NetworkPath> => {
    if (_codec == null) {
      _codec = message<NetworkPath>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.peerId)
        }

        if (obj.path != null && __NetworkPathKindValues[obj.path] !== 0) {
          w.uint32(16)
          NetworkPathKind.codec().encode(obj.path, w)
        }

        if ((obj.endpoint != null && obj.endpoint !== '')) {
          w.uint32(26)
          w.string(obj.endpoint)
        }

        if ((obj.latestHandshakeMs != null && obj.latestHandshakeMs !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.latestHandshakeMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          peerId: uint8ArrayAlloc(0),
          path: NetworkPathKind.CONNECTING,
          endpoint: '',
          latestHandshakeMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.peerId = reader.bytes()
              break
            }
            case 2: {
              obj.path = NetworkPathKind.codec().decode(reader)
              break
            }
            case 3: {
              obj.endpoint = reader.string()
              break
            }
            case 4: {
              obj.latestHandshakeMs = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.path`,
                value: NetworkPathKind.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.endpoint`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.latestHandshakeMs`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface NetworkPathPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NetworkPathPathFieldEvent {
    field: '$.path'
    value: NetworkPathKind
  }

  export interface NetworkPathEndpointFieldEvent {
    field: '$.endpoint'
    value: string
  }

  export interface NetworkPathLatestHandshakeMsFieldEvent {
    field: '$.latestHandshakeMs'
    value: number
  }

  export function encode (obj: Partial<NetworkPath>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NetworkPath.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NetworkPath>): NetworkPath {
    return decodeMessage(buf, NetworkPath.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NetworkPath>): Generator<NetworkPathPeerIdFieldEvent | NetworkPathPathFieldEvent | NetworkPathEndpointFieldEvent | NetworkPathLatestHandshakeMsFieldEvent> {
    return streamMessage(buf, NetworkPath.codec(), opts)
  }
}

export interface NetworkResult {
  publicKey: Uint8Array<ArrayBuffer>
  endpoints: string[]
  paths: NetworkPath[]
}

export namespace NetworkResult {
  let _codec: Codec<NetworkResult>

  export const codec = (): Codec<NetworkResult> => {
    if (_codec == null) {
      _codec = message<NetworkResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.publicKey)
        }

        if (obj.endpoints != null && obj.endpoints.length > 0) {
          for (const value of obj.endpoints) {
            w.uint32(18)
            w.string(value)
          }
        }

        if (obj.paths != null && obj.paths.length > 0) {
          for (const value of obj.paths) {
            w.uint32(26)
            NetworkPath.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          publicKey: uint8ArrayAlloc(0),
          endpoints: [],
          paths: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.publicKey = reader.bytes()
              break
            }
            case 2: {
              if (opts.limits?.endpoints != null && obj.endpoints.length === opts.limits.endpoints) {
                throw new MaxLengthError('Decode error - repeated field "endpoints" had too many elements')
              }

              obj.endpoints.push(reader.string())
              break
            }
            case 3: {
              if (opts.limits?.paths != null && obj.paths.length === opts.limits.paths) {
                throw new MaxLengthError('Decode error - repeated field "paths" had too many elements')
              }

              obj.paths.push(NetworkPath.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.paths$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          endpoints: 0,
          paths: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              if (opts.limits?.endpoints != null && obj.endpoints === opts.limits.endpoints) {
                throw new MaxLengthError('Streaming decode error - repeated field "endpoints" had too many elements')
              }

              yield {
                field: `${prefix}.endpoints[]`,
                index: obj.endpoints,
                value: reader.string()
              }

              obj.endpoints++

              break
            }
            case 3: {
              if (opts.limits?.paths != null && obj.paths === opts.limits.paths) {
                throw new MaxLengthError('Streaming decode error - repeated field "paths" had too many elements')
              }

              for (const evt of NetworkPath.codec().stream(reader, reader.uint32(), `${prefix}.paths[]`, {
                limits: opts.limits?.paths$
              })) {
                yield {
                  ...evt,
                  index: obj.paths
                }
              }

              obj.paths++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface NetworkResultPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NetworkResultEndpointsFieldEvent {
    field: '$.endpoints[]'
    index: number
    value: string
  }

  export interface NetworkResultPathsPeerIdFieldEvent {
    field: '$.paths[].peerId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface NetworkResultPathsPathFieldEvent {
    field: '$.paths[].path'
    value: NetworkPathKind
    index: number
  }

  export interface NetworkResultPathsEndpointFieldEvent {
    field: '$.paths[].endpoint'
    value: string
    index: number
  }

  export interface NetworkResultPathsLatestHandshakeMsFieldEvent {
    field: '$.paths[].latestHandshakeMs'
    value: number
    index: number
  }

  export function encode (obj: Partial<NetworkResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NetworkResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NetworkResult>): NetworkResult {
    return decodeMessage(buf, NetworkResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NetworkResult>): Generator<NetworkResultPublicKeyFieldEvent | NetworkResultEndpointsFieldEvent | NetworkResultPathsPeerIdFieldEvent | NetworkResultPathsPathFieldEvent | NetworkResultPathsEndpointFieldEvent | NetworkResultPathsLatestHandshakeMsFieldEvent> {
    return streamMessage(buf, NetworkResult.codec(), opts)
  }
}

export interface GatewayBackend {
  contractId: Uint8Array<ArrayBuffer>
  workload: string
  port: number
  farmer: Uint8Array<ArrayBuffer>
  validUntilMs: number
  network: string
  ip: string
}

export namespace GatewayBackend {
  let _codec: Codec<GatewayBackend>

  export const codec = (): Codec<GatewayBackend> => {
    if (_codec == null) {
      _codec = message<GatewayBackend>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.workload != null && obj.workload !== '')) {
          w.uint32(18)
          w.string(obj.workload)
        }

        if ((obj.port != null && obj.port !== 0)) {
          w.uint32(24)
          w.uint32(obj.port)
        }

        if ((obj.farmer != null && obj.farmer.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.farmer)
        }

        if ((obj.validUntilMs != null && obj.validUntilMs !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.validUntilMs)
        }

        if ((obj.network != null && obj.network !== '')) {
          w.uint32(50)
          w.string(obj.network)
        }

        if ((obj.ip != null && obj.ip !== '')) {
          w.uint32(58)
          w.string(obj.ip)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          workload: '',
          port: 0,
          farmer: uint8ArrayAlloc(0),
          validUntilMs: 0,
          network: '',
          ip: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.contractId = reader.bytes()
              break
            }
            case 2: {
              obj.workload = reader.string()
              break
            }
            case 3: {
              obj.port = reader.uint32()
              break
            }
            case 4: {
              obj.farmer = reader.bytes()
              break
            }
            case 5: {
              obj.validUntilMs = reader.uint64Number()
              break
            }
            case 6: {
              obj.network = reader.string()
              break
            }
            case 7: {
              obj.ip = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.contractId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.workload`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.port`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.farmer`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.validUntilMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.network`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.ip`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GatewayBackendContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GatewayBackendWorkloadFieldEvent {
    field: '$.workload'
    value: string
  }

  export interface GatewayBackendPortFieldEvent {
    field: '$.port'
    value: number
  }

  export interface GatewayBackendFarmerFieldEvent {
    field: '$.farmer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GatewayBackendValidUntilMsFieldEvent {
    field: '$.validUntilMs'
    value: number
  }

  export interface GatewayBackendNetworkFieldEvent {
    field: '$.network'
    value: string
  }

  export interface GatewayBackendIpFieldEvent {
    field: '$.ip'
    value: string
  }

  export function encode (obj: Partial<GatewayBackend>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GatewayBackend.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GatewayBackend>): GatewayBackend {
    return decodeMessage(buf, GatewayBackend.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GatewayBackend>): Generator<GatewayBackendContractIdFieldEvent | GatewayBackendWorkloadFieldEvent | GatewayBackendPortFieldEvent | GatewayBackendFarmerFieldEvent | GatewayBackendValidUntilMsFieldEvent | GatewayBackendNetworkFieldEvent | GatewayBackendIpFieldEvent> {
    return streamMessage(buf, GatewayBackend.codec(), opts)
  }
}

export enum GatewayTls {
  TERMINATE = 'TERMINATE',
  PASSTHROUGH = 'PASSTHROUGH',
  NONE = 'NONE'
}

enum __GatewayTlsValues {
  TERMINATE = 0,
  PASSTHROUGH = 1,
  NONE = 2
}

export namespace GatewayTls {
  export const codec = (): Codec<GatewayTls> => {
    return enumeration<GatewayTls>(__GatewayTlsValues)
  }
}

export enum GatewayBackendState {
  UNCHECKED = 'UNCHECKED',
  ANSWERS = 'ANSWERS',
  NO_ANSWER = 'NO_ANSWER'
}

enum __GatewayBackendStateValues {
  UNCHECKED = 0,
  ANSWERS = 1,
  NO_ANSWER = 2
}

export namespace GatewayBackendState {
  export const codec = (): Codec<GatewayBackendState> => {
    return enumeration<GatewayBackendState>(__GatewayBackendStateValues)
  }
}

export interface GatewayResult {
  url: string
  backend: GatewayBackendState
  checkedAtMs: number
  detail: string
}

export namespace GatewayResult {
  let _codec: Codec<GatewayResult>

  export const codec = (): Codec<GatewayResult> => {
    if (_codec == null) {
      _codec = message<GatewayResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.url != null && obj.url !== '')) {
          w.uint32(10)
          w.string(obj.url)
        }

        if (obj.backend != null && __GatewayBackendStateValues[obj.backend] !== 0) {
          w.uint32(16)
          GatewayBackendState.codec().encode(obj.backend, w)
        }

        if ((obj.checkedAtMs != null && obj.checkedAtMs !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.checkedAtMs)
        }

        if ((obj.detail != null && obj.detail !== '')) {
          w.uint32(34)
          w.string(obj.detail)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          url: '',
          backend: GatewayBackendState.UNCHECKED,
          checkedAtMs: 0,
          detail: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.url = reader.string()
              break
            }
            case 2: {
              obj.backend = GatewayBackendState.codec().decode(reader)
              break
            }
            case 3: {
              obj.checkedAtMs = reader.uint64Number()
              break
            }
            case 4: {
              obj.detail = reader.string()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.url`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.backend`,
                value: GatewayBackendState.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.checkedAtMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.detail`,
                value: reader.string()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GatewayResultUrlFieldEvent {
    field: '$.url'
    value: string
  }

  export interface GatewayResultBackendFieldEvent {
    field: '$.backend'
    value: GatewayBackendState
  }

  export interface GatewayResultCheckedAtMsFieldEvent {
    field: '$.checkedAtMs'
    value: number
  }

  export interface GatewayResultDetailFieldEvent {
    field: '$.detail'
    value: string
  }

  export function encode (obj: Partial<GatewayResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GatewayResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GatewayResult>): GatewayResult {
    return decodeMessage(buf, GatewayResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GatewayResult>): Generator<GatewayResultUrlFieldEvent | GatewayResultBackendFieldEvent | GatewayResultCheckedAtMsFieldEvent | GatewayResultDetailFieldEvent> {
    return streamMessage(buf, GatewayResult.codec(), opts)
  }
}

export interface GatewayNameData {
  name: string
  backend?: GatewayBackend
  tls: GatewayTls
}

export namespace GatewayNameData {
  let _codec: Codec<GatewayNameData>

  export const codec = (): Codec<GatewayNameData> => {
    if (_codec == null) {
      _codec = message<GatewayNameData>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if (obj.backend != null) {
          w.uint32(18)
          GatewayBackend.codec().encode(obj.backend, w)
        }

        if (obj.tls != null && __GatewayTlsValues[obj.tls] !== 0) {
          w.uint32(24)
          GatewayTls.codec().encode(obj.tls, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          tls: GatewayTls.TERMINATE
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.backend = GatewayBackend.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.backend
              })
              break
            }
            case 3: {
              obj.tls = GatewayTls.codec().decode(reader)
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * GatewayBackend.codec().stream(reader, reader.uint32(), `${prefix}.backend`, {
                limits: opts.limits?.backend
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.tls`,
                value: GatewayTls.codec().decode(reader)
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GatewayNameDataNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface GatewayNameDataBackendContractIdFieldEvent {
    field: '$.backend.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GatewayNameDataBackendWorkloadFieldEvent {
    field: '$.backend.workload'
    value: string
  }

  export interface GatewayNameDataBackendPortFieldEvent {
    field: '$.backend.port'
    value: number
  }

  export interface GatewayNameDataBackendFarmerFieldEvent {
    field: '$.backend.farmer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GatewayNameDataBackendValidUntilMsFieldEvent {
    field: '$.backend.validUntilMs'
    value: number
  }

  export interface GatewayNameDataBackendNetworkFieldEvent {
    field: '$.backend.network'
    value: string
  }

  export interface GatewayNameDataBackendIpFieldEvent {
    field: '$.backend.ip'
    value: string
  }

  export interface GatewayNameDataTlsFieldEvent {
    field: '$.tls'
    value: GatewayTls
  }

  export function encode (obj: Partial<GatewayNameData>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GatewayNameData.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GatewayNameData>): GatewayNameData {
    return decodeMessage(buf, GatewayNameData.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GatewayNameData>): Generator<GatewayNameDataNameFieldEvent | GatewayNameDataBackendContractIdFieldEvent | GatewayNameDataBackendWorkloadFieldEvent | GatewayNameDataBackendPortFieldEvent | GatewayNameDataBackendFarmerFieldEvent | GatewayNameDataBackendValidUntilMsFieldEvent | GatewayNameDataBackendNetworkFieldEvent | GatewayNameDataBackendIpFieldEvent | GatewayNameDataTlsFieldEvent> {
    return streamMessage(buf, GatewayNameData.codec(), opts)
  }
}

export interface GatewayFqdnData {
  fqdn: string
  backend?: GatewayBackend
  tls: GatewayTls
}

export namespace GatewayFqdnData {
  let _codec: Codec<GatewayFqdnData>

  export const codec = (): Codec<GatewayFqdnData> => {
    if (_codec == null) {
      _codec = message<GatewayFqdnData>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.fqdn != null && obj.fqdn !== '')) {
          w.uint32(10)
          w.string(obj.fqdn)
        }

        if (obj.backend != null) {
          w.uint32(18)
          GatewayBackend.codec().encode(obj.backend, w)
        }

        if (obj.tls != null && __GatewayTlsValues[obj.tls] !== 0) {
          w.uint32(24)
          GatewayTls.codec().encode(obj.tls, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          fqdn: '',
          tls: GatewayTls.TERMINATE
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.fqdn = reader.string()
              break
            }
            case 2: {
              obj.backend = GatewayBackend.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.backend
              })
              break
            }
            case 3: {
              obj.tls = GatewayTls.codec().decode(reader)
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.fqdn`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield * GatewayBackend.codec().stream(reader, reader.uint32(), `${prefix}.backend`, {
                limits: opts.limits?.backend
              })

              break
            }
            case 3: {
              yield {
                field: `${prefix}.tls`,
                value: GatewayTls.codec().decode(reader)
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface GatewayFqdnDataFqdnFieldEvent {
    field: '$.fqdn'
    value: string
  }

  export interface GatewayFqdnDataBackendContractIdFieldEvent {
    field: '$.backend.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GatewayFqdnDataBackendWorkloadFieldEvent {
    field: '$.backend.workload'
    value: string
  }

  export interface GatewayFqdnDataBackendPortFieldEvent {
    field: '$.backend.port'
    value: number
  }

  export interface GatewayFqdnDataBackendFarmerFieldEvent {
    field: '$.backend.farmer'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GatewayFqdnDataBackendValidUntilMsFieldEvent {
    field: '$.backend.validUntilMs'
    value: number
  }

  export interface GatewayFqdnDataBackendNetworkFieldEvent {
    field: '$.backend.network'
    value: string
  }

  export interface GatewayFqdnDataBackendIpFieldEvent {
    field: '$.backend.ip'
    value: string
  }

  export interface GatewayFqdnDataTlsFieldEvent {
    field: '$.tls'
    value: GatewayTls
  }

  export function encode (obj: Partial<GatewayFqdnData>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GatewayFqdnData.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GatewayFqdnData>): GatewayFqdnData {
    return decodeMessage(buf, GatewayFqdnData.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GatewayFqdnData>): Generator<GatewayFqdnDataFqdnFieldEvent | GatewayFqdnDataBackendContractIdFieldEvent | GatewayFqdnDataBackendWorkloadFieldEvent | GatewayFqdnDataBackendPortFieldEvent | GatewayFqdnDataBackendFarmerFieldEvent | GatewayFqdnDataBackendValidUntilMsFieldEvent | GatewayFqdnDataBackendNetworkFieldEvent | GatewayFqdnDataBackendIpFieldEvent | GatewayFqdnDataTlsFieldEvent> {
    return streamMessage(buf, GatewayFqdnData.codec(), opts)
  }
}

export interface Workload {
  name: string
  type: string
  version: number
  data: Uint8Array<ArrayBuffer>
}

export namespace Workload {
  let _codec: Codec<Workload>

  export const codec = (): Codec<Workload> => {
    if (_codec == null) {
      _codec = message<Workload>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.type != null && obj.type !== '')) {
          w.uint32(18)
          w.string(obj.type)
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.version)
        }

        if ((obj.data != null && obj.data.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.data)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          type: '',
          version: 0,
          data: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.type = reader.string()
              break
            }
            case 3: {
              obj.version = reader.uint64Number()
              break
            }
            case 4: {
              obj.data = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.type`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.data`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface WorkloadNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface WorkloadTypeFieldEvent {
    field: '$.type'
    value: string
  }

  export interface WorkloadVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface WorkloadDataFieldEvent {
    field: '$.data'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Workload>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Workload.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Workload>): Workload {
    return decodeMessage(buf, Workload.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Workload>): Generator<WorkloadNameFieldEvent | WorkloadTypeFieldEvent | WorkloadVersionFieldEvent | WorkloadDataFieldEvent> {
    return streamMessage(buf, Workload.codec(), opts)
  }
}

export interface Deployment {
  contractId: Uint8Array<ArrayBuffer>
  twin: Uint8Array<ArrayBuffer>
  name: string
  version: number
  workloads: Workload[]
  signedAtMs: number
}

export namespace Deployment {
  let _codec: Codec<Deployment>

  export const codec = (): Codec<Deployment> => {
    if (_codec == null) {
      _codec = message<Deployment>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.twin != null && obj.twin.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.twin)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(26)
          w.string(obj.name)
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.version)
        }

        if (obj.workloads != null && obj.workloads.length > 0) {
          for (const value of obj.workloads) {
            w.uint32(42)
            Workload.codec().encode(value, w)
          }
        }

        if ((obj.signedAtMs != null && obj.signedAtMs !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.signedAtMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          twin: uint8ArrayAlloc(0),
          name: '',
          version: 0,
          workloads: [],
          signedAtMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.contractId = reader.bytes()
              break
            }
            case 2: {
              obj.twin = reader.bytes()
              break
            }
            case 3: {
              obj.name = reader.string()
              break
            }
            case 4: {
              obj.version = reader.uint64Number()
              break
            }
            case 5: {
              if (opts.limits?.workloads != null && obj.workloads.length === opts.limits.workloads) {
                throw new MaxLengthError('Decode error - repeated field "workloads" had too many elements')
              }

              obj.workloads.push(Workload.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.workloads$
              }))
              break
            }
            case 6: {
              obj.signedAtMs = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          workloads: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.contractId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.twin`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              if (opts.limits?.workloads != null && obj.workloads === opts.limits.workloads) {
                throw new MaxLengthError('Streaming decode error - repeated field "workloads" had too many elements')
              }

              for (const evt of Workload.codec().stream(reader, reader.uint32(), `${prefix}.workloads[]`, {
                limits: opts.limits?.workloads$
              })) {
                yield {
                  ...evt,
                  index: obj.workloads
                }
              }

              obj.workloads++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.signedAtMs`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DeploymentContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeploymentTwinFieldEvent {
    field: '$.twin'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeploymentNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface DeploymentVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface DeploymentWorkloadsNameFieldEvent {
    field: '$.workloads[].name'
    value: string
    index: number
  }

  export interface DeploymentWorkloadsTypeFieldEvent {
    field: '$.workloads[].type'
    value: string
    index: number
  }

  export interface DeploymentWorkloadsVersionFieldEvent {
    field: '$.workloads[].version'
    value: number
    index: number
  }

  export interface DeploymentWorkloadsDataFieldEvent {
    field: '$.workloads[].data'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeploymentSignedAtMsFieldEvent {
    field: '$.signedAtMs'
    value: number
  }

  export function encode (obj: Partial<Deployment>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Deployment.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deployment>): Deployment {
    return decodeMessage(buf, Deployment.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Deployment>): Generator<DeploymentContractIdFieldEvent | DeploymentTwinFieldEvent | DeploymentNameFieldEvent | DeploymentVersionFieldEvent | DeploymentWorkloadsNameFieldEvent | DeploymentWorkloadsTypeFieldEvent | DeploymentWorkloadsVersionFieldEvent | DeploymentWorkloadsDataFieldEvent | DeploymentSignedAtMsFieldEvent> {
    return streamMessage(buf, Deployment.codec(), opts)
  }
}

export enum WorkloadState {
  INIT = 'INIT',
  OK = 'OK',
  ERROR = 'ERROR',
  DELETED = 'DELETED',
  STOPPED = 'STOPPED'
}

enum __WorkloadStateValues {
  INIT = 0,
  OK = 1,
  ERROR = 2,
  DELETED = 3,
  STOPPED = 4
}

export namespace WorkloadState {
  export const codec = (): Codec<WorkloadState> => {
    return enumeration<WorkloadState>(__WorkloadStateValues)
  }
}

export interface WorkloadStatus {
  name: string
  type: string
  version: number
  state: WorkloadState
  message: string
  changedAtMs: number
  result: Uint8Array<ArrayBuffer>
}

export namespace WorkloadStatus {
  let _codec: Codec<WorkloadStatus>

  export const codec = (): Codec<WorkloadStatus> => {
    if (_codec == null) {
      _codec = message<WorkloadStatus>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(10)
          w.string(obj.name)
        }

        if ((obj.type != null && obj.type !== '')) {
          w.uint32(18)
          w.string(obj.type)
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.version)
        }

        if (obj.state != null && __WorkloadStateValues[obj.state] !== 0) {
          w.uint32(32)
          WorkloadState.codec().encode(obj.state, w)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(42)
          w.string(obj.message)
        }

        if ((obj.changedAtMs != null && obj.changedAtMs !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.changedAtMs)
        }

        if ((obj.result != null && obj.result.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.result)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          name: '',
          type: '',
          version: 0,
          state: WorkloadState.INIT,
          message: '',
          changedAtMs: 0,
          result: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.name = reader.string()
              break
            }
            case 2: {
              obj.type = reader.string()
              break
            }
            case 3: {
              obj.version = reader.uint64Number()
              break
            }
            case 4: {
              obj.state = WorkloadState.codec().decode(reader)
              break
            }
            case 5: {
              obj.message = reader.string()
              break
            }
            case 6: {
              obj.changedAtMs = reader.uint64Number()
              break
            }
            case 7: {
              obj.result = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.type`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.state`,
                value: WorkloadState.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.changedAtMs`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.result`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface WorkloadStatusNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface WorkloadStatusTypeFieldEvent {
    field: '$.type'
    value: string
  }

  export interface WorkloadStatusVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface WorkloadStatusStateFieldEvent {
    field: '$.state'
    value: WorkloadState
  }

  export interface WorkloadStatusMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface WorkloadStatusChangedAtMsFieldEvent {
    field: '$.changedAtMs'
    value: number
  }

  export interface WorkloadStatusResultFieldEvent {
    field: '$.result'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<WorkloadStatus>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, WorkloadStatus.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkloadStatus>): WorkloadStatus {
    return decodeMessage(buf, WorkloadStatus.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<WorkloadStatus>): Generator<WorkloadStatusNameFieldEvent | WorkloadStatusTypeFieldEvent | WorkloadStatusVersionFieldEvent | WorkloadStatusStateFieldEvent | WorkloadStatusMessageFieldEvent | WorkloadStatusChangedAtMsFieldEvent | WorkloadStatusResultFieldEvent> {
    return streamMessage(buf, WorkloadStatus.codec(), opts)
  }
}

export interface DeploymentStatus {
  contractId: Uint8Array<ArrayBuffer>
  name: string
  version: number
  workloads: WorkloadStatus[]
}

export namespace DeploymentStatus {
  let _codec: Codec<DeploymentStatus>

  export const codec = (): Codec<DeploymentStatus> => {
    if (_codec == null) {
      _codec = message<DeploymentStatus>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.version)
        }

        if (obj.workloads != null && obj.workloads.length > 0) {
          for (const value of obj.workloads) {
            w.uint32(34)
            WorkloadStatus.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0),
          name: '',
          version: 0,
          workloads: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.contractId = reader.bytes()
              break
            }
            case 2: {
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.version = reader.uint64Number()
              break
            }
            case 4: {
              if (opts.limits?.workloads != null && obj.workloads.length === opts.limits.workloads) {
                throw new MaxLengthError('Decode error - repeated field "workloads" had too many elements')
              }

              obj.workloads.push(WorkloadStatus.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.workloads$
              }))
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const obj = {
          workloads: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.contractId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              if (opts.limits?.workloads != null && obj.workloads === opts.limits.workloads) {
                throw new MaxLengthError('Streaming decode error - repeated field "workloads" had too many elements')
              }

              for (const evt of WorkloadStatus.codec().stream(reader, reader.uint32(), `${prefix}.workloads[]`, {
                limits: opts.limits?.workloads$
              })) {
                yield {
                  ...evt,
                  index: obj.workloads
                }
              }

              obj.workloads++

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DeploymentStatusContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeploymentStatusNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface DeploymentStatusVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface DeploymentStatusWorkloadsNameFieldEvent {
    field: '$.workloads[].name'
    value: string
    index: number
  }

  export interface DeploymentStatusWorkloadsTypeFieldEvent {
    field: '$.workloads[].type'
    value: string
    index: number
  }

  export interface DeploymentStatusWorkloadsVersionFieldEvent {
    field: '$.workloads[].version'
    value: number
    index: number
  }

  export interface DeploymentStatusWorkloadsStateFieldEvent {
    field: '$.workloads[].state'
    value: WorkloadState
    index: number
  }

  export interface DeploymentStatusWorkloadsMessageFieldEvent {
    field: '$.workloads[].message'
    value: string
    index: number
  }

  export interface DeploymentStatusWorkloadsChangedAtMsFieldEvent {
    field: '$.workloads[].changedAtMs'
    value: number
    index: number
  }

  export interface DeploymentStatusWorkloadsResultFieldEvent {
    field: '$.workloads[].result'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<DeploymentStatus>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeploymentStatus.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeploymentStatus>): DeploymentStatus {
    return decodeMessage(buf, DeploymentStatus.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeploymentStatus>): Generator<DeploymentStatusContractIdFieldEvent | DeploymentStatusNameFieldEvent | DeploymentStatusVersionFieldEvent | DeploymentStatusWorkloadsNameFieldEvent | DeploymentStatusWorkloadsTypeFieldEvent | DeploymentStatusWorkloadsVersionFieldEvent | DeploymentStatusWorkloadsStateFieldEvent | DeploymentStatusWorkloadsMessageFieldEvent | DeploymentStatusWorkloadsChangedAtMsFieldEvent | DeploymentStatusWorkloadsResultFieldEvent> {
    return streamMessage(buf, DeploymentStatus.codec(), opts)
  }
}

export interface Error {
  code: string
  message: string
  retryAfterMs: number
}

export namespace Error {
  let _codec: Codec<Error>

  export const codec = (): Codec<Error> => {
    if (_codec == null) {
      _codec = message<Error>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.code != null && obj.code !== '')) {
          w.uint32(10)
          w.string(obj.code)
        }

        if ((obj.message != null && obj.message !== '')) {
          w.uint32(18)
          w.string(obj.message)
        }

        if ((obj.retryAfterMs != null && obj.retryAfterMs !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.retryAfterMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          code: '',
          message: '',
          retryAfterMs: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.code = reader.string()
              break
            }
            case 2: {
              obj.message = reader.string()
              break
            }
            case 3: {
              obj.retryAfterMs = reader.uint64Number()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.code`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.message`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.retryAfterMs`,
                value: reader.uint64Number()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ErrorCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface ErrorMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface ErrorRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: number
  }

  export function encode (obj: Partial<Error>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Error.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Error {
    return decodeMessage(buf, Error.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Error>): Generator<ErrorCodeFieldEvent | ErrorMessageFieldEvent | ErrorRetryAfterMsFieldEvent> {
    return streamMessage(buf, Error.codec(), opts)
  }
}

export interface DeploymentRef {
  contractId: Uint8Array<ArrayBuffer>
}

export namespace DeploymentRef {
  let _codec: Codec<DeploymentRef>

  export const codec = (): Codec<DeploymentRef> => {
    if (_codec == null) {
      _codec = message<DeploymentRef>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.contractId != null && obj.contractId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.contractId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          contractId: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.contractId = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.contractId`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface DeploymentRefContractIdFieldEvent {
    field: '$.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DeploymentRef>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeploymentRef.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeploymentRef>): DeploymentRef {
    return decodeMessage(buf, DeploymentRef.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeploymentRef>): Generator<DeploymentRefContractIdFieldEvent> {
    return streamMessage(buf, DeploymentRef.codec(), opts)
  }
}

export interface Request {
  deploymentEnvelope: Uint8Array<ArrayBuffer>
  delete?: DeploymentRef
  get?: DeploymentRef
  watch?: DeploymentRef
}

export namespace Request {
  let _codec: Codec<Request>

  export const codec = (): Codec<Request> => {
    if (_codec == null) {
      _codec = message<Request>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.deploymentEnvelope != null && obj.deploymentEnvelope.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.deploymentEnvelope)
        }

        if (obj.delete != null) {
          w.uint32(18)
          DeploymentRef.codec().encode(obj.delete, w)
        }

        if (obj.get != null) {
          w.uint32(26)
          DeploymentRef.codec().encode(obj.get, w)
        }

        if (obj.watch != null) {
          w.uint32(34)
          DeploymentRef.codec().encode(obj.watch, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          deploymentEnvelope: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.deploymentEnvelope = reader.bytes()
              break
            }
            case 2: {
              obj.delete = DeploymentRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.delete
              })
              break
            }
            case 3: {
              obj.get = DeploymentRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.get
              })
              break
            }
            case 4: {
              obj.watch = DeploymentRef.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.watch
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.deploymentEnvelope`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield * DeploymentRef.codec().stream(reader, reader.uint32(), `${prefix}.delete`, {
                limits: opts.limits?.delete
              })

              break
            }
            case 3: {
              yield * DeploymentRef.codec().stream(reader, reader.uint32(), `${prefix}.get`, {
                limits: opts.limits?.get
              })

              break
            }
            case 4: {
              yield * DeploymentRef.codec().stream(reader, reader.uint32(), `${prefix}.watch`, {
                limits: opts.limits?.watch
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface RequestDeploymentEnvelopeFieldEvent {
    field: '$.deploymentEnvelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestDeleteContractIdFieldEvent {
    field: '$.delete.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestGetContractIdFieldEvent {
    field: '$.get.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RequestWatchContractIdFieldEvent {
    field: '$.watch.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Request>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Request.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Request {
    return decodeMessage(buf, Request.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Request>): Generator<RequestDeploymentEnvelopeFieldEvent | RequestDeleteContractIdFieldEvent | RequestGetContractIdFieldEvent | RequestWatchContractIdFieldEvent> {
    return streamMessage(buf, Request.codec(), opts)
  }
}

export interface Response {
  error?: Error
  status?: DeploymentStatus
}

export namespace Response {
  let _codec: Codec<Response>

  export const codec = (): Codec<Response> => {
    if (_codec == null) {
      _codec = message<Response>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.error != null) {
          w.uint32(10)
          Error.codec().encode(obj.error, w)
        }

        if (obj.status != null) {
          w.uint32(18)
          DeploymentStatus.codec().encode(obj.status, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.error = Error.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.error
              })
              break
            }
            case 2: {
              obj.status = DeploymentStatus.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.status
              })
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield * Error.codec().stream(reader, reader.uint32(), `${prefix}.error`, {
                limits: opts.limits?.error
              })

              break
            }
            case 2: {
              yield * DeploymentStatus.codec().stream(reader, reader.uint32(), `${prefix}.status`, {
                limits: opts.limits?.status
              })

              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ResponseErrorCodeFieldEvent {
    field: '$.error.code'
    value: string
  }

  export interface ResponseErrorMessageFieldEvent {
    field: '$.error.message'
    value: string
  }

  export interface ResponseErrorRetryAfterMsFieldEvent {
    field: '$.error.retryAfterMs'
    value: number
  }

  export interface ResponseStatusContractIdFieldEvent {
    field: '$.status.contractId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ResponseStatusNameFieldEvent {
    field: '$.status.name'
    value: string
  }

  export interface ResponseStatusVersionFieldEvent {
    field: '$.status.version'
    value: number
  }

  export interface ResponseStatusWorkloadsNameFieldEvent {
    field: '$.status.workloads[].name'
    value: string
    index: number
  }

  export interface ResponseStatusWorkloadsTypeFieldEvent {
    field: '$.status.workloads[].type'
    value: string
    index: number
  }

  export interface ResponseStatusWorkloadsVersionFieldEvent {
    field: '$.status.workloads[].version'
    value: number
    index: number
  }

  export interface ResponseStatusWorkloadsStateFieldEvent {
    field: '$.status.workloads[].state'
    value: WorkloadState
    index: number
  }

  export interface ResponseStatusWorkloadsMessageFieldEvent {
    field: '$.status.workloads[].message'
    value: string
    index: number
  }

  export interface ResponseStatusWorkloadsChangedAtMsFieldEvent {
    field: '$.status.workloads[].changedAtMs'
    value: number
    index: number
  }

  export interface ResponseStatusWorkloadsResultFieldEvent {
    field: '$.status.workloads[].result'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<Response>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Response.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Response {
    return decodeMessage(buf, Response.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Response>): Generator<ResponseErrorCodeFieldEvent | ResponseErrorMessageFieldEvent | ResponseErrorRetryAfterMsFieldEvent | ResponseStatusContractIdFieldEvent | ResponseStatusNameFieldEvent | ResponseStatusVersionFieldEvent | ResponseStatusWorkloadsNameFieldEvent | ResponseStatusWorkloadsTypeFieldEvent | ResponseStatusWorkloadsVersionFieldEvent | ResponseStatusWorkloadsStateFieldEvent | ResponseStatusWorkloadsMessageFieldEvent | ResponseStatusWorkloadsChangedAtMsFieldEvent | ResponseStatusWorkloadsResultFieldEvent> {
    return streamMessage(buf, Response.codec(), opts)
  }
}
