import { createContext, useContext } from 'react';

/**
 * The editor's "this draft has unsaved edits". Fields a section sets itself (form.setFieldValue)
 * do not fire the form's onValuesChange, so such a section says so here.
 */
export const MarkDirty = createContext<() => void>(() => {});
export const useMarkDirty = () => useContext(MarkDirty);
