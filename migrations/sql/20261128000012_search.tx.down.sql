{{.DropSearch "lettings_address" "street" "city" "state" "zip_code:number"}}
{{.DropSearch "lettings_letting" "title"}}
{{.DropSearch "auth_user" "username" "first_name" "last_name" "email"}}
{{.DropSearch "auth_group" "name"}}
{{.DropSearch "profiles_profile" "favorite_city"}}
