import { describe, expect, it } from 'vitest';
import { S_FALSE } from '../constants/hresults';
import { CMM_REFRESHONLY } from '../constants/manage-module';
import { createManageModule } from './create-manage-module';

describe('createManageModule', () => {
  it('answers the standard properties case-insensitively, unknown names with undefined, and changes nothing', async () => {
    const flags: number[] = [];
    const manage = createManageModule({
      name: 'N',
      description: 'D',
      version: '1.2.3',
      configure: (f) => void flags.push(f),
    });
    expect(await manage.GetProperty('c', 's', 'FILE VERSION', 0)).toBe('1.2.3');
    expect(await manage.GetProperty('c', 's', 'name', 0)).toBe('N');
    expect(await manage.GetProperty('c', 's', 'Copyright', 0)).toContain('certexit');
    expect(await manage.GetProperty('c', 's', 'HWND', 0)).toBeUndefined();
    expect(await manage.SetProperty('c', 's', 'Name', 0, 'X')).toBe(S_FALSE);
    expect(await manage.GetProperty('c', 's', 'Name', 0)).toBe('N');
    await manage.Configure('c', 's', CMM_REFRESHONLY);
    expect(flags).toEqual([CMM_REFRESHONLY]);
  });
});
