// Node images with apps are committed on one node image; once that is rebuilt, those built on
// older ones are removed (asked of the engine without force, so one a kind node runs on stays).
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { APPS_IMAGE_REPO, removeAppsImagesOfOtherBases } from '../../../../src/drivers/kind/apps-image.js';

function fakeEngine(images: Array<{ Id: string; ParentId: string; inUse?: boolean }>) {
  const asked: string[] = [];
  const removed: string[] = [];
  let filters = '';
  const docker = {
    listImages: async (options: { filters: string }) => {
      filters = options.filters;
      return images;
    },
    getImage: (id: string) => ({
      remove: async (options: { force: boolean }) => {
        asked.push(`${id} force=${options.force}`);
        if (images.find((image) => image.Id === id)?.inUse) throw Object.assign(new Error('image is being used by a container'), { statusCode: 409 });
        removed.push(id);
      },
    }),
  } as unknown as Docker;
  return { docker, asked, removed, filters: () => filters };
}

describe('removeAppsImagesOfOtherBases', () => {
  it('removes the apps images of other node images, without force, and keeps going past one in use', async () => {
    const engine = fakeEngine([
      { Id: 'sha256:current-apps', ParentId: 'sha256:base-now' },
      { Id: 'sha256:old-apps', ParentId: 'sha256:base-before' },
      { Id: 'sha256:running-apps', ParentId: 'sha256:base-before', inUse: true },
    ]);
    await removeAppsImagesOfOtherBases(engine.docker, 'sha256:base-now');
    expect(JSON.parse(engine.filters())).toEqual({ reference: [APPS_IMAGE_REPO] });
    expect(engine.asked.sort()).toEqual(['sha256:old-apps force=false', 'sha256:running-apps force=false']);
    expect(engine.removed).toEqual(['sha256:old-apps']);
  });
});
