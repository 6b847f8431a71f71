import { createProgram } from './program.js'
import { printError } from './output.js'

try {
  await createProgram().parseAsync(process.argv)
} catch (err) {
  printError(err)
  process.exitCode = 1
}
