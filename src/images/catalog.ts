// The images podlab builds, each from images/<name>/Dockerfile on debian:bookworm-slim.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../lab/resolve.js';
import { kindImageSpec } from './kind-catalog.js';

export const IMAGES_DIR = join(PACKAGE_ROOT, 'images');
export const BASE_IMAGE = 'debian:bookworm-slim';

export interface ImageSpec {
  name: string;
  tag: string;
  dir: string;
  /** Files that must be put into the build context before building (not in git). */
  prepare?: 'flanneld';
  /** Built by src/images/kind-images.ts from the kind toolchain (see kind-catalog.ts). */
  builder?: 'kind';
}

export const IMAGES: readonly ImageSpec[] = [
  { name: 'node', tag: 'podlab/node', dir: join(IMAGES_DIR, 'node'), prepare: 'flanneld' },
  { name: 'etcd', tag: 'podlab/etcd', dir: join(IMAGES_DIR, 'etcd') },
  { name: 'busybox', tag: 'podlab/busybox', dir: join(IMAGES_DIR, 'busybox') },
  // Stand-ins for the images the book's examples pull, and the lab's own services.
  { name: 'pause', tag: 'podlab/pause', dir: join(IMAGES_DIR, 'pause') },
  { name: 'mysql', tag: 'podlab/mysql', dir: join(IMAGES_DIR, 'mysql') },
  { name: 'tomcat-app', tag: 'podlab/tomcat-app', dir: join(IMAGES_DIR, 'tomcat-app') },
  { name: 'redis-master', tag: 'podlab/redis-master', dir: join(IMAGES_DIR, 'redis-master') },
  { name: 'guestbook-redis-slave', tag: 'podlab/guestbook-redis-slave', dir: join(IMAGES_DIR, 'guestbook-redis-slave') },
  { name: 'guestbook-php-frontend', tag: 'podlab/guestbook-php-frontend', dir: join(IMAGES_DIR, 'guestbook-php-frontend') },
  { name: 'nginx', tag: 'podlab/nginx', dir: join(IMAGES_DIR, 'nginx') },
  { name: 'probe', tag: 'podlab/probe', dir: join(IMAGES_DIR, 'probe') },
  { name: 'dns', tag: 'podlab/dns', dir: join(IMAGES_DIR, 'dns') },
];

/** One of IMAGES, or a kind image (`podlab images build kind-node`; not built by default). */
export function imageSpec(name: string): ImageSpec | undefined {
  return IMAGES.find((image) => image.name === name || image.tag === name) ?? kindImageSpec(name);
}
