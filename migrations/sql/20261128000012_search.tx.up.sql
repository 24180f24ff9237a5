-- The search indexes of every column a search box looks in (the public
-- lettings search and the admin's search fields): models.WhereSearch looks
-- each term up in them instead of reading every row of the tables.
{{.Search "lettings_address" "street" "city" "state" "zip_code:number"}}
{{.Search "lettings_letting" "title"}}
{{.Search "auth_user" "username" "first_name" "last_name" "email"}}
{{.Search "auth_group" "name"}}
{{.Search "profiles_profile" "favorite_city"}}
