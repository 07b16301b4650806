import { CERTSRV_E_UNSUPPORTED_CERT_TYPE, E_INVALIDARG } from '@certexit/core';
import { editCaTemplates, listTemplateViews, setTemplateField, templateView } from '@certexit/engine';
import type { ApiHandler } from './api-handlers';
import type { HttpApiEngine } from './http-api-engine';
import { HttpError } from './http-error';

/**
 * The template routes: managers read and change templates and the CA's list as `certexit template` and
 * `certexit catemplates` do (the same functions); any caller reads the list. A bad edit is a 400 naming it, an
 * unknown template a 404; nothing is written then.
 */
export function templateHandlers(
  engine: HttpApiEngine,
): Record<'getCaTemplates' | 'setCaTemplates' | 'listTemplates' | 'getTemplate' | 'setTemplate', ApiHandler> {
  const { ca } = engine;
  const find = (name: string) => {
    const template = ca.templateStore.find(name);
    if (!template)
      throw new HttpError(404, `there is no template ${JSON.stringify(name)}`, CERTSRV_E_UNSUPPORTED_CERT_TYPE);
    return template;
  };
  const edit = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, (error as Error).message, E_INVALIDARG);
    }
  };
  return {
    async getCaTemplates() {
      return editCaTemplates(ca, []);
    },
    async setCaTemplates(request) {
      const { edits } = request.body as { edits: string[] };
      return edit(() => editCaTemplates(ca, edits));
    },
    async listTemplates() {
      return { templates: listTemplateViews(ca) };
    },
    async getTemplate(request) {
      return templateView(ca, find((request.params as { name: string }).name));
    },
    async setTemplate(request) {
      const { name } = request.params as { name: string };
      const { field, value } = request.body as { field: string; value: string };
      find(name);
      return edit(() => setTemplateField(ca, name, field, value));
    },
  };
}
