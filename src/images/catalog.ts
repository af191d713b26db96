// The images podlab builds, each from images/<name>/Dockerfile on debian:bookworm-slim.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../lab/resolve.js';

export const IMAGES_DIR = join(PACKAGE_ROOT, 'images');
export const BASE_IMAGE = 'debian:bookworm-slim';

export interface ImageSpec {
  name: string;
  tag: string;
  dir: string;
  /** Files that must be put into the build context before building (not in git). */
  prepare?: 'flanneld';
}

export const IMAGES: readonly ImageSpec[] = [
  { name: 'node', tag: 'podlab/node', dir: join(IMAGES_DIR, 'node'), prepare: 'flanneld' },
  { name: 'etcd', tag: 'podlab/etcd', dir: join(IMAGES_DIR, 'etcd') },
  { name: 'busybox', tag: 'podlab/busybox', dir: join(IMAGES_DIR, 'busybox') },
];

export function imageSpec(name: string): ImageSpec | undefined {
  return IMAGES.find((image) => image.name === name || image.tag === name);
}
