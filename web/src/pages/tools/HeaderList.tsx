import { Button, Flex, Form, Input } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

/** Headers sent with every call (an API key, say); values come back masked and a masked one keeps its value. */
export function HeaderList() {
  const { t } = useTranslation();
  return (
    <Form.List name="headers">
      {(fields, { add, remove }) => (
        <>
          {fields.map((field) => (
            <Flex key={field.key} gap={8} align="baseline">
              <Form.Item name={[field.name, 'key']} rules={[{ required: true, message: t('tools.headerName') }]} style={{ width: 180 }}>
                <Input placeholder={t('tools.headerName')} />
              </Form.Item>
              <Form.Item name={[field.name, 'value']} style={{ flex: 1 }}>
                <Input.Password placeholder={t('tools.headerValue')} autoComplete="off" />
              </Form.Item>
              <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
            </Flex>
          ))}
          <Button
            type="dashed"
            size="small"
            icon={<PlusOutlined />}
            onClick={() => add({ key: '', value: '' })}
            style={{ marginBottom: 16 }}
          >
            {t('tools.addHeader')}
          </Button>
        </>
      )}
    </Form.List>
  );
}
