// `npm run gen`: writes the generated artefacts that CI checks for drift (src/config/generated.test.ts
// fails when the committed copies differ).
import { writeFile } from 'node:fs/promises'
import { generatedFiles } from '../src/config/generated.js'

for (const { path, content } of generatedFiles()) {
  await writeFile(new URL(`../${path}`, import.meta.url), content)
  console.log(`wrote ${path}`)
}
