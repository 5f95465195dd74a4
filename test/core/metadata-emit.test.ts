import 'reflect-metadata';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Drill, DrillJob } from '../../samples/drill';

/** This file runs from dist/test/core; the repository root is three levels up. */
const ROOT = join(__dirname, '..', '..', '..');

describe('decorator metadata in the build', () => {
  it('the compiled sample carries __metadata("design:type", …) and __metadata("design:paramtypes", …)', () => {
    const js = readFileSync(join(ROOT, 'dist', 'samples', 'drill.js'), 'utf8');
    expect(js).to.include('__metadata("design:type"');
    expect(js).to.include('__metadata("design:paramtypes"');
  });

  it('at run time design:paramtypes of Drill.drill names the DTO class', () => {
    const types: unknown[] = Reflect.getMetadata('design:paramtypes', Drill.prototype, 'drill');
    expect(types).to.deep.equal([DrillJob, String]);
    expect(types[0]).to.equal(DrillJob);
  });

  it('tsconfig.json turns on experimentalDecorators and emitDecoratorMetadata', () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(config.compilerOptions.experimentalDecorators).to.equal(true);
    expect(config.compilerOptions.emitDecoratorMetadata).to.equal(true);
  });

  it('the pinned TypeScript is 5.x or 6.0 (7 and esbuild-style compilers drop decorator metadata)', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string };
    expect(version).to.match(/^(5\.\d+|6\.0)\.\d+/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.typescript, 'pinned: an exact version').to.match(/^(5\.\d+|6\.0)\.\d+$/);
  });
});
