// Statistics reports are written in the product's one `Language`; clients get it without a second import.
@_exported import QFlowCore
